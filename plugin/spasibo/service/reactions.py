"""What ``POST /reaction`` does: validate, find the company's owner, answer duplicates once, limit, send."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from dataclasses import dataclass

from prometheus_client import Counter

from spasibo.phone import mask_phone
from spasibo.service.admission import ReactionAdmission
from spasibo.service.auth import require_company
from spasibo.service.errors import ServiceError, from_pool_error, retry_after_header
from spasibo.service.idempotency import StoredAnswer
from spasibo.service.keys import KeyGrant
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.placement import CompanyPlacement
from spasibo.service.schemas import ReactionAnswer, ReactionBody
from spasibo.whatsapp.errors import InvalidInputError
from spasibo.whatsapp.pool import SessionPool
from spasibo.whatsapp.reactions import (
    USER_SERVER,
    ReactionTarget,
    address_jid,
    is_group_jid,
    user_of,
)
from spasibo.whatsapp.validation import (
    validate_company_id,
    validate_emoji,
    validate_message_id,
    validate_phone,
)


@dataclass(frozen=True, slots=True)
class Customer:
    """Whom a request names, as far as the service must know before the pool resolves the address."""

    phone: str | None  # normalised; None when the request named the customer by address only
    chat: str  # where to react: the chat as given, else the phone's direct chat


def customer_of(body: ReactionBody, default_region: str) -> Customer:
    """Who ``body`` reacts to: its ``phone``, or else the ``sender`` of a group message (``chat`` ``…@g.us``),
    or else the person a direct ``chat`` is with (``…@lid`` or ``…@s.whatsapp.net``).

    ``chat`` and ``sender`` are checked with the pool's own address rules (a bad one is the pool's
    ``InvalidChatError`` / ``InvalidSenderError``). Raises a 422 ``missing_field`` naming ``phone`` when
    nothing names the customer.
    """
    chat = address_jid(body.chat, "chat", default_region) if body.chat is not None else None
    sender = address_jid(body.sender, "sender", default_region) if body.sender is not None else None
    if body.phone is not None:
        phone = validate_phone(body.phone, default_region)
        return Customer(phone, body.chat or phone)
    person = None
    if chat is not None and is_group_jid(chat):
        person = user_of(sender) if sender else None
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
    return Customer(None, body.chat)


def addressee_of(target: ReactionTarget) -> str:
    """Whom a resolved reaction really reaches, as the per-customer limit counts them: the person of a direct
    chat, or the participant of a group whose message it is (devices dropped: ``12345:3@lid`` is
    ``12345@lid``; a phone JID counts as its phone, so a person is one customer however they are named).
    Whatever ``phone`` the request claimed plays no part.
    """
    address = target.sender if target.is_group else target.chat
    person = user_of(address) or address
    user, _, server = person.partition("@")
    return user if server == USER_SERVER else person


def _field_naming(target: ReactionTarget, body: ReactionBody) -> str:
    """The request field that named whom ``target`` reaches: a group's ``sender``, else ``chat`` or
    ``phone``.
    """
    if target.is_group and body.sender is not None:
        return "sender"
    return "chat" if body.chat is not None else "phone"


def _masked(addressee: str) -> str:
    """An addressee for messages, its digits' middle hidden (``7900*****67``, ``2045*********53@lid``)."""
    user, at, server = addressee.partition("@")
    return f"{mask_phone(user)}{at}{server}"


class ReactionDesk:
    """Turns a valid ``ReactionBody`` into a sent reaction (or a typed refusal), exactly once per key.

    Order matters: input is checked first (a bad request costs nothing and never reaches the pool), then
    the key's grant (403), then placement (421 for a company another instance holds, 503 while it moves),
    then the address the pool would send to, then the idempotency record (a duplicate is answered without
    counting against the customer's limit), then the per-customer limit of the company (``addressee_of``:
    what is actually addressed; ``admission.py`` takes the record and the limit together), then the pool.
    """

    def __init__(
        self,
        pool: SessionPool,
        *,
        default_company: str,
        placement: CompanyPlacement,
        admission: ReactionAdmission,
        metrics: ServiceMetrics,
    ) -> None:
        self.pool = pool
        self.default_company = default_company
        self.placement = placement
        self.admission = admission
        self.records = admission.records
        self.limiter = admission.limiter
        self.metrics = metrics
        # the "sent" counter, looked up at the first reaction sent (labels() takes a lock and validates per
        # call; bound earlier, /metrics would list the series before anything was sent)
        self._sent: Counter | None = None

    async def react(self, body: ReactionBody, idempotency_key: str | None, grant: KeyGrant) -> StoredAnswer:
        """Send the reaction ``body`` asks for, if ``grant`` may act for its company; return the answer
        (replayed for a duplicate).
        """
        settings = self.pool.settings
        try:
            company_id = validate_company_id(
                self.default_company if body.companyId is None else body.companyId,
                settings.company_id_max_length,
            )
            customer = customer_of(body, settings.default_region)
            message_id = validate_message_id(body.messageId, settings.message_id_max_length)
            emoji = validate_emoji(body.emoji)
        except InvalidInputError as error:
            raise from_pool_error(error) from None
        require_company(grant, company_id)
        await self.placement.require_here(company_id)
        from_me = bool(body.fromMe)
        sender = body.sender or (customer.chat if from_me else None)  # one's own message needs no sender
        target = self.pool.address_of(company_id, customer.chat, message_id, sender=sender)
        parts = [company_id, customer.phone, message_id, emoji, body.chat, body.sender, from_me]
        fingerprint = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
        message = [target.chat, target.sender, message_id, "me" if from_me else "them"]
        addressee = addressee_of(target)
        admission = await self.admission.admit(
            self.records.key(company_id, message, idempotency_key), fingerprint, f"{company_id}:{addressee}"
        )
        claim, slot = admission.claim, admission.slot
        if claim.answer is not None:
            self.metrics.reactions.labels("replayed").inc()
            return claim.answer
        assert slot is not None
        if not slot.granted:  # the claim was given back
            self.metrics.rate_limited.inc()
            raise ServiceError(
                429,
                "rate_limited",
                f"{_masked(addressee)} already got {self.limiter.per_minute} reactions from company "
                f"{company_id!r} in a minute",
                field=_field_naming(target, body),
                headers=retry_after_header(slot.wait_s),
            )
        try:
            await self.pool.send_reaction(
                company_id, customer.chat, emoji, message_id, sender=sender, from_me=from_me
            )
        except BaseException:
            # a reaction that did not go out does not use the customer's quota
            with contextlib.suppress(Exception):  # the send's own error is the answer
                await asyncio.shield(self.limiter.release(slot))
            await self.records.release(claim, fingerprint)
            raise
        answer = ReactionAnswer(phone=customer.phone, emoji=emoji, messageId=message_id, companyId=company_id)
        stored = StoredAnswer(200, answer.model_dump())
        await self.records.complete(claim, fingerprint, stored)
        if self._sent is None:
            self._sent = self.metrics.reactions.labels("sent")
        self._sent.inc()
        return stored
