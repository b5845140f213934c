"""What the gateway tells a bot: one ``GatewayEvent`` per customer message, customer reaction or lost session.

Each event has a stable ``id`` derived from what it reports (the same WhatsApp message gives the same id
however often it is delivered), so a bot dedupes at-least-once delivery on it. With server-side rules, a
message event also carries the ``outcome``: the verdict, whether the service reacted, and whether a text
reply is still needed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spasibo.models import IncomingMessage, IncomingReaction, Outcome, utc_now
from spasibo.whatsapp.stats import SessionInfo

EventType = Literal["message", "reaction", "session.terminal"]


class EventOutcome(BaseModel):
    """What the service's own rules did with a message (``spasibo serve --rules``)."""

    intent: str | None = Field(description="what the detector found, e.g. 'gratitude'; null for nothing")
    score: float
    reacted: bool = Field(description="true when the service put a reaction on the message")
    emoji: str | None = Field(description="the reaction sent (or chosen but not sent), if any")
    skipped: str | None = Field(description="why no reaction went out, if none did")
    replyNeeded: bool = Field(description="false when the message needs no text reply (thanks only)")

    @classmethod
    def of(cls, outcome: Outcome) -> EventOutcome:
        """The event's view of an app ``Outcome``."""
        return cls(
            intent=outcome.verdict.intent,
            score=outcome.verdict.score,
            reacted=outcome.reacted,
            emoji=outcome.reaction.emoji if outcome.reaction else None,
            skipped=outcome.skipped.value if outcome.skipped else None,
            replyNeeded=outcome.reply_needed,
        )


class GatewayEvent(BaseModel):
    """One inbound event, as the webhook body and the Redis stream entry carry it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="stable id of what happened: dedupe on it (delivery is at least once)")
    type: EventType
    companyId: str
    time: datetime = Field(description="when it happened (the message's time for messages and reactions)")
    publishedAt: datetime = Field(default_factory=utc_now, description="when the service queued the event")
    chat: str | None = None
    sender: str | None = None
    messageId: str | None = Field(
        default=None, description="the message (for a reaction: the one reacted to)"
    )
    isGroup: bool = False
    fromMe: bool = False
    text: str | None = None
    emoji: str | None = Field(default=None, description="reaction events: the emoji ('' = removed)")
    state: str | None = Field(default=None, description="session.terminal events: the terminal state")
    reason: str | None = Field(default=None, description="session.terminal events: why")
    outcome: EventOutcome | None = None


def _event_id(*parts: object) -> str:
    return "evt_" + hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def message_event(message: IncomingMessage, outcome: Outcome | None = None) -> GatewayEvent:
    """The ``message`` event for a customer's (or the business's own) message."""
    return GatewayEvent(
        id=_event_id("message", message.company_id, message.chat, message.sender, message.message_id),
        type="message",
        companyId=message.company_id,
        time=message.sent_at,
        chat=message.chat,
        sender=message.sender,
        messageId=message.message_id,
        isGroup=message.is_group,
        fromMe=message.from_me,
        text=message.text,
        outcome=EventOutcome.of(outcome) if outcome is not None else None,
    )


def reaction_event(reaction: IncomingReaction) -> GatewayEvent:
    """The ``reaction`` event for a reaction a customer put on (or removed from) a message."""
    identity = reaction.reaction_id or f"{reaction.emoji}@{reaction.sent_at.isoformat()}"
    return GatewayEvent(
        id=_event_id("reaction", reaction.company_id, reaction.chat, reaction.sender, identity),
        type="reaction",
        companyId=reaction.company_id,
        time=reaction.sent_at,
        chat=reaction.chat,
        sender=reaction.sender,
        messageId=reaction.message_id,
        isGroup=reaction.chat.endswith("@g.us"),
        fromMe=reaction.from_me,
        emoji=reaction.emoji,
    )


def terminal_event(info: SessionInfo, at: datetime | None = None) -> GatewayEvent:
    """The ``session.terminal`` event: a company's session ended for good (logged out, banned, replaced)."""
    at = at or utc_now()
    return GatewayEvent(
        id=_event_id("session.terminal", info.company_id, info.state, at.isoformat()),
        type="session.terminal",
        companyId=info.company_id,
        time=at,
        state=info.state,
        reason=info.terminal_reason,
    )
