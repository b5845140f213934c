"""The multi-tenant WhatsApp session pool over neonize (install the ``whatsapp`` extra).

async with SessionPool(PoolSettings(), on_message=app.feed) as pool:
    app.use_transport(WhatsAppTransport(pool))
    info = await pool.add_session("acme")      # show info.qr as a QR code
    await info.wait_paired()
"""

from __future__ import annotations

from spasibo.extras import missing_extra

try:
    from spasibo.phone import mask_phone, normalize_phone
    from spasibo.whatsapp.breaker import BreakerState, CircuitBreaker
    from spasibo.whatsapp.errors import (
        CircuitOpenError,
        InvalidChatError,
        InvalidCompanyIdError,
        InvalidEmojiError,
        InvalidInputError,
        InvalidMessageIdError,
        InvalidPhoneError,
        InvalidSenderError,
        LogoutFailedError,
        PairingFailedError,
        PairingTimeoutError,
        PoolClosedError,
        PoolFullError,
        SendFailedError,
        SessionExistsError,
        SessionNotConnectedError,
        UnknownCompanyError,
        UnknownGroupMessageError,
        WhatsAppError,
    )
    from spasibo.whatsapp.events import IncomingReaction, incoming_message, incoming_reaction
    from spasibo.whatsapp.pool import SessionPool
    from spasibo.whatsapp.session import PairingInfo, SessionState
    from spasibo.whatsapp.settings import PoolSettings
    from spasibo.whatsapp.stats import PoolStats, SessionInfo
    from spasibo.whatsapp.transport import WhatsAppTransport
except ModuleNotFoundError as _error:
    raise missing_extra(_error, "the WhatsApp session pool (spasibo.whatsapp)") from None

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpenError",
    "IncomingReaction",
    "InvalidChatError",
    "InvalidCompanyIdError",
    "InvalidEmojiError",
    "InvalidInputError",
    "InvalidMessageIdError",
    "InvalidPhoneError",
    "InvalidSenderError",
    "LogoutFailedError",
    "PairingFailedError",
    "PairingInfo",
    "PairingTimeoutError",
    "PoolClosedError",
    "PoolFullError",
    "PoolSettings",
    "PoolStats",
    "SendFailedError",
    "SessionExistsError",
    "SessionInfo",
    "SessionNotConnectedError",
    "SessionPool",
    "SessionState",
    "UnknownCompanyError",
    "UnknownGroupMessageError",
    "WhatsAppError",
    "WhatsAppTransport",
    "incoming_message",
    "incoming_reaction",
    "mask_phone",
    "normalize_phone",
]
