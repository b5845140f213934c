"""The nouns every part of spasibo shares: a message in, a verdict on it, a reaction out, an outcome back.

These models are the contract between the detector, the plugin pipeline and the transports (console,
WhatsApp, HTTP proxy, Telegram). They are frozen pydantic models so a plugin cannot change a message
under another plugin's feet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Platform(StrEnum):
    """Where a message came from and, by default, where its reaction goes."""

    CONSOLE = "console"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    HTTP = "http"


class IncomingMessage(BaseModel):
    """One customer message as the chat platform delivered it.

    ``chat`` and ``sender`` are kept exactly as they arrived (a WhatsApp JID such as
    ``79001234567@s.whatsapp.net``, ``120363...@g.us`` or ``1234567890@lid``; a Telegram chat id as a
    string): a reaction must be addressed with the same key, never one rebuilt from a phone number. An unknown
    field is an error (``timestamp=`` instead of ``sent_at=`` would otherwise be dropped silently).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: str = Platform.CONSOLE.value
    company_id: str = "default"
    chat: str
    sender: str | None = None
    message_id: str
    text: str = ""
    sent_at: datetime = Field(default_factory=utc_now)
    from_me: bool = False
    is_group: bool = False


class IncomingReaction(BaseModel):
    """A customer reacted (or removed a reaction, ``emoji == ""``) to a message in one company's chat."""

    model_config = ConfigDict(frozen=True)

    platform: str = Platform.WHATSAPP.value
    company_id: str
    chat: str
    sender: str
    message_id: str  # the message reacted to
    emoji: str
    from_me: bool
    sent_at: datetime
    reaction_id: str | None = None  # the id of the reaction's own message, when the platform gives one


class Verdict(BaseModel):
    """What the detector concluded about one text.

    ``gratitude`` says whether to treat the text as thanks; ``closing`` whether it is *only* thanks plus
    pleasantries, so the host need not answer it. ``score`` is 0–100. ``match`` and ``span`` point at the
    phrase that decided it (``span`` is a ``[start, end)`` slice of the original text). ``reason`` says why
    a thanks-like text was rejected (a rule's family such as ``negation``, or ``judge`` when the trained
    judge found it insincere); ``truncated`` that only part of a very long text was read. For gratitude
    ``score`` is the judge's calibrated probability × 100 and ``closing_score`` the same for closing;
    ``rule`` is the id of the hard rule that decided (``ru.not_said``), else ``judge`` names the judge that
    did (``linear`` for the built-in model).
    """

    model_config = ConfigDict(frozen=True)

    intent: str | None = None
    gratitude: bool = False
    closing: bool = False
    score: float = Field(default=0.0, ge=0.0, le=100.0)
    match: str | None = None
    span: tuple[int, int] | None = None
    language: str | None = None
    reason: str | None = None
    truncated: bool = False
    closing_score: float = Field(default=0.0, ge=0.0, le=100.0)
    rule: str | None = None
    judge: str | None = None


class ReactionRequest(BaseModel):
    """A reaction a rule decided to send: which emoji on which message, through which transport."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message: IncomingMessage
    emoji: str
    transport: str
    rule: str | None = None


class ReactionResult(BaseModel):
    """What a transport reports after sending a reaction."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    transport: str
    emoji: str
    message_id: str
    detail: str | None = None
    sent_at: datetime = Field(default_factory=utc_now)


class SkipReason(StrEnum):
    """Why ``feed()`` sent no reaction for a message."""

    NOT_DETECTED = "not_detected"  # the detector found no intent a rule could use
    NO_RULE = "no_rule"  # an intent was found but no rule matched it (or its conditions)
    OWN_MESSAGE = "own_message"  # the bot's own message (skip_own_messages)
    GROUP = "group"  # a group chat and the rule says skip_groups
    LOW_SCORE = "low_score"  # below the rule's min_score
    TOO_OLD = "too_old"  # older than the rule's max_age (a backlog after a reconnect)
    DUPLICATE = "duplicate"  # this message id was already handled
    COOLDOWN = "cooldown"  # this chat got a reaction less than the rule's cooldown ago
    NO_TRANSPORT = "no_transport"  # no transport reaches the message's platform (and no fallback is set)
    RATE_LIMITED = "rate_limited"  # the transport or service refused for rate
    TRANSPORT_ERROR = "transport_error"  # the transport raised; see Outcome.error


class Outcome(BaseModel):
    """What ``feed()`` did with one message, for the host bot to act on.

    ``reply_needed`` is False when the message was only thanks (a closing) and the matching rule says
    ``reply = false``: the host can skip its text answer. ``sending`` is True when ``reaction`` is still going
    out in the background (``feed(..., wait_for_reaction=False)``): ``reacted`` is then not known yet, and the
    observers get the final outcome.
    """

    model_config = ConfigDict(frozen=True)

    message: IncomingMessage
    verdict: Verdict
    reaction: ReactionRequest | None = None
    result: ReactionResult | None = None
    skipped: SkipReason | None = None
    error: str | None = None
    reply_needed: bool = True
    sending: bool = False

    @property
    def reacted(self) -> bool:
        """True when a reaction went out."""
        return self.result is not None and self.result.ok
