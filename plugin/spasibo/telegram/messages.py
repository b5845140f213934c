"""An aiogram ``Message`` as spasibo's ``IncomingMessage``: the same chat and message ids, as strings."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import Message

from spasibo.models import IncomingMessage, Platform

_GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})


def incoming_message(
    message: Message, *, bot_id: int | None = None, company_id: str = "default"
) -> IncomingMessage:
    """Describe ``message`` for ``app.feed()``; ``bot_id`` marks the bot's own messages as ``from_me``.

    The text is the message text or, for a photo or document with a caption, the caption: customers thank in
    captions too.
    """
    sender = message.from_user
    return IncomingMessage(
        platform=Platform.TELEGRAM.value,
        company_id=company_id,
        chat=str(message.chat.id),
        sender=str(sender.id) if sender is not None else None,
        message_id=str(message.message_id),
        text=message.text or message.caption or "",
        sent_at=message.date,
        from_me=sender is not None and bot_id is not None and sender.id == bot_id,
        is_group=message.chat.type in _GROUP_CHATS,
    )
