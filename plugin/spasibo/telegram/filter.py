"""``GratitudeFilter``: route thanks to a handler of their own, ``@router.message(GratitudeFilter())``."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import Message

from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.models import Outcome


class GratitudeFilter(Filter):
    """Passes messages the detector reads as gratitude with ``score >= min_score``; injects ``verdict``.

    The app comes from ``setup(dispatcher, app)`` (the middleware puts it in the handler data), or from
    ``GratitudeFilter(app=app)`` when the filter is used without ``setup``. Behind ``setup`` the filter reuses
    the verdict ``feed()`` already reached instead of detecting twice.
    """

    def __init__(self, min_score: float = 0.0, *, app: Spasibo | None = None) -> None:
        if not 0.0 <= min_score <= 100.0:
            raise ConfigError(f"GratitudeFilter min_score: expected 0–100, got {min_score!r}")
        self.min_score = min_score
        self.app = app

    async def __call__(
        self, message: Message, spasibo: Spasibo | None = None, spasibo_outcome: Outcome | None = None
    ) -> bool | dict[str, Any]:
        text = message.text or message.caption
        if not text:
            return False
        if spasibo_outcome is not None:
            verdict = spasibo_outcome.verdict
        else:
            app = self.app or spasibo
            if app is None:
                raise ConfigError(
                    "GratitudeFilter has no app: call spasibo.telegram.setup(dispatcher, app) or pass "
                    "GratitudeFilter(app=app)"
                )
            verdict = app.verdict(text)
        if not verdict.gratitude or verdict.score < self.min_score:
            return False
        return {"verdict": verdict}
