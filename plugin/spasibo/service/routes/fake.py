"""``POST /fake/messages``: a customer message arrives on the offline fake client (``--fake-whatsapp`` only).

It exists so the whole loop (customer message → service → webhook → bot → ``/reaction`` → WhatsApp) runs in
tests and demos without WhatsApp; the app mounts it only when ``whatsapp_client = "fake"``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from spasibo.service.auth import grant_of, require_company
from spasibo.service.errors import ServiceError
from spasibo.service.routes.openapi import COMMON, errors
from spasibo.service.schemas import FakeMessageAnswer, FakeMessageBody
from spasibo.service.state import service_state
from spasibo.testing.whatsapp import FakeWhatsAppClient

router = APIRouter(prefix="/fake", tags=["fake WhatsApp (tests and demos only)"])


@router.post("/messages", response_model=FakeMessageAnswer, responses=errors(*COMMON, 403, 404))
async def inject_message(body: FakeMessageBody, request: Request) -> FakeMessageAnswer:
    """Deliver ``text`` to the company's fake session as if a customer sent it (a real neonize event)."""
    state = service_state(request)
    company_id = state.settings.default_company if body.companyId is None else body.companyId
    require_company(grant_of(request), company_id)
    client = state.pool.client_of(company_id)
    if not isinstance(client, FakeWhatsAppClient):  # mounted only for the fake; never reached otherwise
        raise ServiceError(404, "not_found", "the fake WhatsApp client is not in use")
    await client.incoming_text(body.text, chat=body.chat, sender=body.sender, message_id=body.messageId)
    return FakeMessageAnswer(companyId=company_id, messageId=body.messageId)
