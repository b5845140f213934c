"""aiogram-style filters for ``@app.on(...)`` handlers: small objects that read like the behaviour.

    @app.on("gratitude", Reacted(), ~ReplyNeeded())
    async def thank_back(message, verdict, outcome): ...

A filter looks at a message's ``Outcome`` and returns True/False, or a dict whose items are passed to the
handler as keyword arguments (like aiogram's filter injection). Filters combine with ``&``, ``|`` and ``~``; a
plain function ``outcome -> bool | dict`` works as a filter too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from spasibo.models import Outcome, SkipReason
from spasibo.rules import detected_intent

FilterResult = bool | dict[str, Any]


class Filter(ABC):
    """Base class of outcome filters; subclasses implement ``check``."""

    @abstractmethod
    def check(self, outcome: Outcome) -> FilterResult:
        """True/False, or a dict of values to inject into the handler."""

    def __call__(self, outcome: Outcome) -> FilterResult:
        return self.check(outcome)

    def __and__(self, other: Filter | Callable[[Outcome], FilterResult]) -> Filter:
        return _All((self, as_filter(other)))

    def __or__(self, other: Filter | Callable[[Outcome], FilterResult]) -> Filter:
        return _Any((self, as_filter(other)))

    def __invert__(self) -> Filter:
        return _Not(self)


def as_filter(candidate: Filter | Callable[[Outcome], FilterResult]) -> Filter:
    """Wrap a plain function as a ``Filter`` (filters are returned as they are)."""
    if isinstance(candidate, Filter):
        return candidate
    if not callable(candidate):
        raise TypeError(
            f"a filter must be a spasibo.filters.Filter or a function outcome -> bool, got {candidate!r}"
        )
    return _Function(candidate)


def apply_filters(filters: tuple[Filter, ...], outcome: Outcome) -> dict[str, Any] | None:
    """Run ``filters`` in order: ``None`` when one rejects, else the merged dicts they injected."""
    injected: dict[str, Any] = {}
    for item in filters:
        result = item(outcome)
        if not result:
            return None
        if isinstance(result, dict):
            injected.update(result)
    return injected


class Intent(Filter):
    """The message has this intent (vetoed gratitude has none); injects nothing."""

    def __init__(self, intent: str) -> None:
        self.intent = intent

    def check(self, outcome: Outcome) -> FilterResult:
        return detected_intent(outcome.verdict) == self.intent


class Reacted(Filter):
    """A reaction went out; injects ``emoji``."""

    def check(self, outcome: Outcome) -> FilterResult:
        return {"emoji": outcome.result.emoji} if outcome.reacted and outcome.result else False


class ReplyNeeded(Filter):
    """The host still has to answer the message with text (``~ReplyNeeded()``: a closing thanks)."""

    def check(self, outcome: Outcome) -> FilterResult:
        return outcome.reply_needed


class Skipped(Filter):
    """No reaction went out, for one of ``reasons`` (any reason when none given); injects ``reason``."""

    def __init__(self, *reasons: SkipReason) -> None:
        self.reasons = frozenset(reasons)

    def check(self, outcome: Outcome) -> FilterResult:
        if outcome.skipped is None or (self.reasons and outcome.skipped not in self.reasons):
            return False
        return {"reason": outcome.skipped}


class FromPlatform(Filter):
    """The message came from one of ``platforms`` ("whatsapp", "telegram", ...)."""

    def __init__(self, *platforms: str) -> None:
        self.platforms = frozenset(platforms)

    def check(self, outcome: Outcome) -> FilterResult:
        return outcome.message.platform in self.platforms


class _Function(Filter):
    def __init__(self, function: Callable[[Outcome], FilterResult]) -> None:
        self.function = function

    def check(self, outcome: Outcome) -> FilterResult:
        return self.function(outcome)


class _All(Filter):
    def __init__(self, parts: tuple[Filter, ...]) -> None:
        self.parts = parts

    def check(self, outcome: Outcome) -> FilterResult:
        injected = apply_filters(self.parts, outcome)
        return False if injected is None else (injected or True)


class _Any(Filter):
    def __init__(self, parts: tuple[Filter, ...]) -> None:
        self.parts = parts

    def check(self, outcome: Outcome) -> FilterResult:
        for part in self.parts:
            result = part(outcome)
            if result:
                return result
        return False


class _Not(Filter):
    def __init__(self, inner: Filter) -> None:
        self.inner = inner

    def check(self, outcome: Outcome) -> FilterResult:
        return not self.inner(outcome)
