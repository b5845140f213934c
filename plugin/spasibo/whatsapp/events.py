"""neonize event protobufs → spasibo's nouns: incoming messages for the pipeline, incoming customer reactions.

JIDs are rendered with neonize's own ``Jid2String`` so a chat arrives as ``…@s.whatsapp.net``, ``…@g.us`` or
``…@lid`` exactly as WhatsApp addressed it; a reaction later goes back to that same key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from neonize.proto.Neonize_pb2 import JID
from neonize.proto.Neonize_pb2 import Message as MessageEvent
from neonize.utils.jid import Jid2String

from spasibo.models import IncomingMessage, IncomingReaction, Platform

__all__ = ["IncomingReaction", "incoming_message", "incoming_reaction", "jid_to_str", "message_text"]


def jid_to_str(jid: JID) -> str:
    """A JID as WhatsApp writes it (``79001234567@s.whatsapp.net``), or ``""`` for an empty JID."""
    return Jid2String(jid) if jid.User or jid.Server else ""


def _sent_at(event: MessageEvent) -> datetime:
    # neonize gives the message timestamp in Unix seconds; 0 means it was not set
    seconds = event.Info.Timestamp
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else datetime.now(UTC)


def message_text(event: MessageEvent) -> str:
    """The text a customer wrote: a plain conversation, an extended text (reply/link), or a media caption."""
    body = event.Message
    if body.conversation:
        return str(body.conversation)
    if body.HasField("extendedTextMessage"):
        return str(body.extendedTextMessage.text)
    for media in ("imageMessage", "videoMessage", "documentMessage"):
        if body.HasField(media):
            return str(getattr(body, media).caption)
    return ""


def incoming_message(company_id: str, event: MessageEvent) -> IncomingMessage | None:
    """The ``IncomingMessage`` for a neonize ``Message`` event, or None for one that carries no text or id.

    Reactions, receipts of protocol messages and stubs have no text for the detector and are not fed.
    """
    source = event.Info.MessageSource
    text = message_text(event)
    if not text or not event.Info.ID:
        return None
    return IncomingMessage(
        platform=Platform.WHATSAPP.value,
        company_id=company_id,
        chat=jid_to_str(source.Chat),
        sender=jid_to_str(source.Sender) or None,
        message_id=event.Info.ID,
        text=text,
        sent_at=_sent_at(event),
        from_me=source.IsFromMe,
        is_group=source.IsGroup,
    )


def incoming_reaction(company_id: str, event: MessageEvent) -> IncomingReaction | None:
    """The ``IncomingReaction`` for a neonize ``Message`` event that carries a reaction, else None."""
    if not event.Message.HasField("reactionMessage"):
        return None
    reaction = event.Message.reactionMessage
    source = event.Info.MessageSource
    return IncomingReaction(
        company_id=company_id,
        chat=jid_to_str(source.Chat),
        sender=jid_to_str(source.Sender),
        message_id=reaction.key.ID,
        emoji=reaction.text,
        from_me=source.IsFromMe,
        sent_at=_sent_at(event),
        reaction_id=event.Info.ID or None,
    )
