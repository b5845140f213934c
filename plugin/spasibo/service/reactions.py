"""What ``POST /reaction`` does: validate, find the company's owner, answer duplicates once, limit, send."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from spasibo.phone import mask_phone
from spasibo.service.errors import ServiceError, from_pool_error, retry_after_header
from spasibo.service.idempotency import IdempotencyRecords, StoredAnswer
from spasibo.service.leases import Ownership
from spasibo.service.limits import PhoneRateLimiter
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.schemas import ReactionAnswer, ReactionBody
from spasibo.whatsapp.errors import InvalidInputError, UnknownCompanyError
from spasibo.whatsapp.pool import SessionPool
from spasibo.whatsapp.reactions import USER_SERVER, address_jid, is_group_jid, user_of
from spasibo.whatsapp.validation import (
    validate_company_id,
    validate_emoji,
    validate_message_id,
    validate_phone,
)


@dataclass(frozen=True, slots=True)
class Customer:
    """Whom a reaction goes to, as far as the service must know: for the answer, the limit and messages."""

    phone: str | None  # normalised; None when the request named the customer by sender only
    limit_key: str  # what the per-customer rate limit counts
    field: str  # the request field that named the customer: "phone" or "sender"
    masked: str  # for messages: a phone or address with its middle hidden
    chat: str  # where to react: the chat as given, else the phone's direct chat


def customer_of(body: ReactionBody, default_region: str) -> Customer:
    """Who ``body`` reacts to: its ``phone``, or else the ``sender`` of a group message (``chat`` ``…@g.us``),
    or else the person a direct ``chat`` is with (``…@lid`` or ``…@s.whatsapp.net``).

    ``chat`` and ``sender`` are checked with the pool's own address rules (a bad one is the pool's
    ``InvalidChatError`` / ``InvalidSenderError``). A sender's device is dropped (``12345:3@lid`` counts as
    ``12345@lid``), and a phone JID's user part is its phone, so a customer is limited once however the
    request names them. Raises a 422 ``missing_field`` naming ``phone`` when nothing names the customer.
    """
    chat = address_jid(body.chat, "chat", default_region) if body.chat else None
    sender = address_jid(body.sender, "sender", default_region) if body.sender else None
    if body.phone is not None:
        phone = validate_phone(body.phone, default_region)
        return Customer(phone, phone, "phone", mask_phone(phone), body.chat or phone)
    person, field = None, "chat"
    if chat is not None and is_group_jid(chat):
        person, field = (user_of(sender) if sender else None), "sender"
    elif chat is not None:
        person = user_of(chat)  # a direct chat is with the customer
    if person is None or body.chat is None:
        raise ServiceError(
            422,
            "missing_field",
            "phone: required unless chat is a direct chat with the customer (…@lid or …@s.whatsapp.net) "
            "or a group (…@g.us) with sender its participant",
            field="phone",
        )
    user, _, server = person.partition("@")
    limit_key = user if server == USER_SERVER else person
    return Customer(None, limit_key, field, f"{mask_phone(user)}@{server}", body.chat)


class ReactionDesk:
    """Turns a valid ``ReactionBody`` into a sent reaction (or a typed refusal), exactly once per key.

    Order matters: input is checked first (a bad request costs nothing), then ownership (421 for a company
    another instance holds), then the idempotency record (a duplicate is answered without counting against
    the customer's limit), then the per-customer limit (see ``customer_of``), then the pool.
    """

    def __init__(
        self,
        pool: SessionPool,
        *,
        default_company: str,
        ownership: Ownership,
        records: IdempotencyRecords,
        limiter: PhoneRateLimiter,
        metrics: ServiceMetrics,
    ) -> None:
        self.pool = pool
        self.default_company = default_company
        self.ownership = ownership
        self.records = records
        self.limiter = limiter
        self.metrics = metrics

    async def react(self, body: ReactionBody, idempotency_key: str | None) -> StoredAnswer:
        """Send the reaction ``body`` asks for; return the answer (replayed for a duplicate)."""
        settings = self.pool.settings
        try:
            company_id = validate_company_id(
                body.companyId or self.default_company, settings.company_id_max_length
            )
            customer = customer_of(body, settings.default_region)
            message_id = validate_message_id(body.messageId, settings.message_id_max_length)
            emoji = validate_emoji(body.emoji)
        except InvalidInputError as error:
            raise from_pool_error(error) from None
        await self._check_owner(company_id)
        from_me = bool(body.fromMe)
        parts = [company_id, customer.phone, message_id, emoji, body.chat, body.sender, from_me]
        fingerprint = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
        message = [customer.chat, body.sender or "", message_id, "me" if from_me else "them"]
        claim = await self.records.begin(self.records.key(company_id, message, idempotency_key), fingerprint)
        if claim.answer is not None:
            self.metrics.reactions.labels("replayed").inc()
            return claim.answer
        try:
            wait_s = await self.limiter.hit(customer.limit_key)
            if wait_s is not None:
                self.metrics.rate_limited.inc()
                raise ServiceError(
                    429,
                    "rate_limited",
                    f"{customer.field} {customer.masked} already got {self.limiter.per_minute} reactions "
                    "in a minute",
                    field=customer.field,
                    headers=retry_after_header(wait_s),
                )
            await self.pool.send_reaction(
                company_id, customer.chat, emoji, message_id, sender=body.sender, from_me=from_me
            )
        except BaseException:
            await self.records.release(claim, fingerprint)
            raise
        answer = ReactionAnswer(phone=customer.phone, emoji=emoji, messageId=message_id, companyId=company_id)
        stored = StoredAnswer(200, answer.model_dump())
        await self.records.complete(claim, fingerprint, stored)
        self.metrics.reactions.labels("sent").inc()
        return stored

    async def _check_owner(self, company_id: str) -> None:
        """Pass when the company's session is here; else 421 naming its owner, or 404 when nobody has it."""
        try:
            self.pool.session(company_id)
            return
        except UnknownCompanyError as error:
            missing = error
        owner = await self.ownership.owner_of(company_id)
        if owner is None or owner == self.ownership.me:
            raise missing
        raise ServiceError(
            421,
            "owned_elsewhere",
            f"company {company_id!r} is served by instance {owner.instance!r}"
            + (f" at {owner.url}" if owner.url else ""),
            field="companyId",
            owner=owner.instance,
            ownerUrl=owner.url,
        )
