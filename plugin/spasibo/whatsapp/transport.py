"""The ``whatsapp`` transport: the plugin pipeline's reactions sent through an in-process ``SessionPool``."""

from __future__ import annotations

from spasibo.models import ReactionRequest, ReactionResult
from spasibo.whatsapp.pool import TRANSPORT_NAME, SessionPool


class WhatsAppTransport:
    """Sends ``request.emoji`` on ``request.message`` through the company's session in ``pool``.

    Wire it with ``app.use_transport(WhatsAppTransport(pool))``. Pool errors are ``ReactionError`` subclasses
    and propagate unchanged, so the pipeline sees ``retryable`` and ``retry_after_s`` where they apply.
    """

    name = TRANSPORT_NAME

    def __init__(self, pool: SessionPool) -> None:
        self.pool = pool

    async def send(self, request: ReactionRequest) -> ReactionResult:
        """React on the original message, addressed by its chat and sender exactly as they arrived."""
        message = request.message
        return await self.pool.send_reaction(
            message.company_id, message.chat, request.emoji, message.message_id, sender=message.sender
        )
