"""``POST /fake/messages`` (a customer message arrives) and ``GET /fake/reactions`` (what was sent) on the
offline fake client (``--fake-whatsapp`` only).

It exists so the whole loop (customer message → service → webhook → bot → ``/reaction`` → WhatsApp) runs in
tests and demos without WhatsApp; the app mounts it only when ``whatsapp_client = "fake"``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from spasibo.service.auth import grant_of, require_company
from spasibo.service.errors import ServiceError
from spasibo.service.routes.openapi import COMMON, errors
from spasibo.service.schemas import FakeMessageAnswer, FakeMessageBody, FakeReaction, FakeReactionList
from spasibo.service.state import service_state
from spasibo.testing.whatsapp import FakeWhatsAppClient
from spasibo.whatsapp.events import jid_to_str

router = APIRouter(prefix="/fake", tags=["fake WhatsApp (tests and demos only)"])


@router.post("/messages", response_model=FakeMessageAnswer, responses=errors(*COMMON, 403, 404))
async def inject_message(body: FakeMessageBody, request: Request) -> FakeMessageAnswer:
    """Deliver ``text`` to the company's fake session as if a customer sent it (a real neonize event)."""
    state = service_state(request)
    company_id = state.settings.default_company if body.companyId is None else body.companyId
    client = _fake_client(request, company_id)
    await client.incoming_text(body.text, chat=body.chat, sender=body.sender, message_id=body.messageId)
    return FakeMessageAnswer(companyId=company_id, messageId=body.messageId)


@router.get("/reactions", response_model=FakeReactionList, responses=errors(401, 403, 404, 422, 500))
async def sent_reactions(
    request: Request, companyId: Annotated[str | None, Query(min_length=1, max_length=64)] = None
) -> FakeReactionList:
    """The reactions the company's fake session has sent (its last thousand messages), oldest first (what
    WhatsApp would show).
    """
    default = service_state(request).settings.default_company
    client = _fake_client(request, default if companyId is None else companyId)
    return FakeReactionList(
        reactions=[
            FakeReaction(
                chat=jid_to_str(to),
                messageId=message.reactionMessage.key.ID,
                emoji=message.reactionMessage.text,
                fromMe=message.reactionMessage.key.fromMe,
            )
            for to, message in client.sent
            if message.HasField("reactionMessage")
        ]
    )


def _fake_client(request: Request, company_id: str) -> FakeWhatsAppClient:
    """The fake client of ``company_id``'s session, if the calling key may act for the company."""
    require_company(grant_of(request), company_id)
    client = service_state(request).pool.client_of(company_id)
    if not isinstance(client, FakeWhatsAppClient):  # mounted only for the fake; never reached otherwise
        raise ServiceError(404, "not_found", "the fake WhatsApp client is not in use")
    return client
