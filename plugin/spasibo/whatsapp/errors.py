"""Errors of the WhatsApp session pool; the reaction service maps them to HTTP statuses (service/statuses.py).

Everything that can go wrong on the way to a sent reaction derives from ``spasibo.errors.ReactionError`` (with
``retryable`` saying whether trying later may help), so the plugin pipeline handles pool errors like any other
transport's. Input errors are also ``ValueError``.
"""

from __future__ import annotations

from spasibo.emoji import InvalidEmojiError as _EmojiError
from spasibo.errors import ReactionError, SpasiboError
from spasibo.phone import InvalidPhoneError as _PhoneError


class WhatsAppError(SpasiboError):
    """Base of every error the session pool raises."""


class InvalidInputError(WhatsAppError, ReactionError, ValueError):
    """A caller-supplied value is malformed; the message names the field."""


class InvalidCompanyIdError(InvalidInputError):
    """A company id is empty, too long or has characters other than letters, digits, ``.``, ``_`` and
    ``-``.
    """


class InvalidMessageIdError(InvalidInputError):
    """A message id is not a non-empty string of bounded length."""


class InvalidChatError(InvalidInputError):
    """A chat address is neither a WhatsApp JID (``user@server``) nor a phone number."""


class InvalidSenderError(InvalidInputError):
    """A sender address is neither a WhatsApp JID (``user@server``) nor a phone number."""


class InvalidEmojiError(InvalidInputError, _EmojiError):
    """A reaction is not exactly one emoji (``""`` removes a reaction)."""


class InvalidPhoneError(InvalidInputError, _PhoneError):
    """A phone number is not a valid number."""


class UnknownCompanyError(WhatsAppError, ReactionError, LookupError):
    """No session exists for this company id."""


class UnknownGroupMessageError(WhatsAppError, ReactionError, LookupError):
    """A reaction targets a group message the pool has not seen, so its sender (the participant) is unknown.

    Sending it anyway would produce a reaction WhatsApp silently drops; pass ``sender`` explicitly.
    """


class SessionExistsError(WhatsAppError):
    """A session for this company id already exists; remove it first."""


class PoolFullError(WhatsAppError):
    """The pool already holds ``max_sessions`` sessions."""


class PoolClosedError(WhatsAppError, ReactionError):
    """The pool is not running (not started yet, or shut down)."""


class SessionNotConnectedError(WhatsAppError, ReactionError):
    """The company's session exists but is not connected (pairing, reconnecting, or in a terminal state)."""

    retryable = True

    def __init__(self, message: str, *, state: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.state = state
        self.retryable = retryable


class CircuitOpenError(WhatsAppError, ReactionError):
    """The company's circuit breaker is open after repeated failures; retry after ``retry_after_s``
    seconds.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class SendFailedError(WhatsAppError, ReactionError):
    """neonize could not send the reaction (network, server refusal, timeout, or the pool shutting down)."""

    retryable = True


class LogoutFailedError(WhatsAppError):
    """WhatsApp did not confirm the logout (e.g. not connected); the session was removed anyway."""


class PairingTimeoutError(WhatsAppError):
    """Pairing did not complete within ``pairing_timeout_s``; the half-open client was stopped."""


class PairingFailedError(WhatsAppError):
    """Pairing ended without a login: the session reached a terminal state or was removed while pairing."""
