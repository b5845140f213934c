"""The JSON bodies of the service's API: what comes in, what goes out, and the one error shape.

Request bodies reject unknown fields (a typo such as ``messageID`` is an error naming the field, never a
silently ignored value); every error answer is ``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from spasibo.service.webhooks import DeadLetter


class ReactionBody(BaseModel):
    """``POST /reaction``: react with ``emoji`` on message ``messageId`` of a customer.

    The customer is named by ``phone`` or, when WhatsApp shows them only by their privacy address, by a
    direct ``chat`` with them (``…@lid`` or ``…@s.whatsapp.net``), or by ``chat`` (a group, ``…@g.us``)
    and ``sender`` (the participant, ``…@lid`` or ``…@s.whatsapp.net``); the service's per-customer rate
    limit counts that phone or address. ``chat`` is
    the chat address as the message arrived (a JID; defaults to the phone's direct chat) and ``sender`` the
    group participant who wrote it; ``companyId`` defaults to the service's default company. ``emoji``
    ``""`` removes an earlier reaction.
    """

    model_config = ConfigDict(extra="forbid")

    phone: StrictStr | None = Field(
        default=None,
        description="the customer's phone; may be left out when chat is a direct chat with the customer "
        "(…@lid or …@s.whatsapp.net), or a group (…@g.us) and sender its participant's address",
    )
    emoji: StrictStr
    messageId: StrictStr
    companyId: StrictStr | None = Field(
        default=None, min_length=1, description="left out: the service's default company; never empty"
    )
    chat: StrictStr | None = None
    sender: StrictStr | None = None
    fromMe: StrictBool = Field(
        default=False, description="true to react to a message the business itself sent in that chat"
    )


class ReactionAnswer(BaseModel):
    """The answer to a reaction that went out (or had already gone out: idempotent repeats get the same)."""

    success: bool = True
    phone: str | None = Field(
        description="the customer's phone, normalised; null when the request named the customer by address"
    )
    emoji: str
    messageId: str
    companyId: str


class ErrorDetail(BaseModel):
    """What went wrong: a stable ``code``, a human ``message`` and the request ``field`` at fault if any.

    ``owner`` / ``ownerUrl`` are set on ``owned_elsewhere`` (421): the instance that holds the company.
    """

    code: str
    message: str
    field: str | None = None
    owner: str | None = None
    ownerUrl: str | None = None


class ErrorAnswer(BaseModel):
    """Every error answer of the service."""

    error: ErrorDetail


class AddSessionBody(BaseModel):
    """``POST /sessions``: start a company's session; with ``phone`` pair by code instead of QR."""

    model_config = ConfigDict(extra="forbid")

    companyId: StrictStr = Field(min_length=1)
    phone: StrictStr | None = None


class PairingAnswer(BaseModel):
    """A new session: its state and what the phone needs (``qr`` payload to render, or ``pairCode``)."""

    companyId: str
    state: str
    method: str = Field(description="'qr' or 'phone'")
    qr: str | None = None
    pairCode: str | None = None


class SessionAnswer(BaseModel):
    """One session as the pool reports it (the phone masked)."""

    companyId: str
    state: str
    phoneMasked: str
    breakerState: str
    breakerRetryAfterS: float
    reconnectAttempt: int
    connects: int = Field(
        description="neonize connects this session made; each holds a database handle until the process ends"
    )
    lastError: str | None = None
    terminalReason: str | None = None


class SessionList(BaseModel):
    """``GET /sessions``: this instance's sessions, sorted by company id."""

    sessions: list[SessionAnswer]


class Done(BaseModel):
    """A management call that completed."""

    success: bool = True
    companyId: str


class Health(BaseModel):
    """``/health`` and ``/ready``: ``status`` is ``ok`` or ``unavailable``, with the counts behind it."""

    status: str
    instance: str
    sessionsTotal: int = 0
    sessionsConnected: int = 0
    reason: str | None = Field(default=None, description="why the service is not ready (``/ready`` only)")


class DeadLetterList(BaseModel):
    """``GET /events/dead-letters``: events the webhook never accepted, newest first."""

    deadLetters: list[DeadLetter]


class FakeMessageBody(BaseModel):
    """``POST /fake/messages`` (fake WhatsApp only): a message a customer sends to the company."""

    model_config = ConfigDict(extra="forbid")

    text: StrictStr = Field(min_length=1, max_length=4096)
    chat: StrictStr = Field(min_length=3, max_length=128, pattern=r"^[0-9A-Za-z.:_-]+@[a-z.]+$")
    sender: StrictStr | None = Field(
        default=None, min_length=3, max_length=128, pattern=r"^[0-9A-Za-z.:_-]+@[a-z.]+$"
    )
    messageId: StrictStr = Field(min_length=1, max_length=128, pattern=r"^[0-9A-Za-z_-]+$")
    companyId: StrictStr | None = Field(default=None, min_length=1, max_length=64)


class FakeMessageAnswer(BaseModel):
    """The injected message was delivered to the company's session."""

    success: bool = True
    companyId: str
    messageId: str


class FakeReaction(BaseModel):
    """A reaction the fake client sent: on which message of which chat, with which emoji."""

    chat: str
    messageId: str
    emoji: str
    fromMe: bool


class FakeReactionList(BaseModel):
    """``GET /fake/reactions`` (fake WhatsApp only): what the company's fake session sent, oldest first."""

    reactions: list[FakeReaction]
