"""The exception hierarchy. Every error spasibo raises on purpose derives from ``SpasiboError``.

Components define their specific errors next to the code that raises them, deriving from the classes here, so
a host bot can catch ``SpasiboError`` (anything of ours) or ``ReactionError`` (a reaction did not go out).
"""

from __future__ import annotations


class SpasiboError(Exception):
    """Base class of every error spasibo raises on purpose."""


class ConfigError(SpasiboError, ValueError):
    """A configuration file or settings value is invalid; the message names the key and the expected form."""


class ReactionError(SpasiboError):
    """A reaction could not be sent. ``retryable`` says whether trying again later may succeed."""

    retryable: bool = False


class RateLimitedError(ReactionError):
    """The reaction was refused by a rate limit; try again after ``retry_after_s`` seconds."""

    retryable = True

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
