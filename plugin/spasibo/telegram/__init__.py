"""spasibo for Telegram bots written with aiogram 3 (install the ``telegram`` extra).

    dp = Dispatcher()
    setup(dp, Spasibo.from_toml("spasibo.toml"))  # every message goes through app.feed()

    @dp.message(GratitudeFilter(min_score=80))
    async def thanks(message: Message, verdict: Verdict) -> None: ...

Names are imported lazily so ``import spasibo.telegram`` does not load aiogram before it is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "setup": "spasibo.telegram.wiring",
    "GratitudeFilter": "spasibo.telegram.filter",
    "SpasiboMiddleware": "spasibo.telegram.middleware",
    "TelegramTransport": "spasibo.telegram.transport",
    "incoming_message": "spasibo.telegram.messages",
    "allowed_reactions": "spasibo.telegram.emoji",
    "normalize_reaction": "spasibo.telegram.emoji",
    "telegram_reaction": "spasibo.telegram.emoji",
    "validate_telegram_rules": "spasibo.telegram.emoji",
    "bot_from_token": "spasibo.telegram.polling",
    "run_polling": "spasibo.telegram.polling",
    "TOKEN_ENV": "spasibo.telegram.polling",
}

__all__ = [
    "TOKEN_ENV",
    "GratitudeFilter",
    "SpasiboMiddleware",
    "TelegramTransport",
    "allowed_reactions",
    "bot_from_token",
    "incoming_message",
    "normalize_reaction",
    "run_polling",
    "setup",
    "telegram_reaction",
    "validate_telegram_rules",
]

if TYPE_CHECKING:
    from spasibo.telegram.emoji import (
        allowed_reactions,
        normalize_reaction,
        telegram_reaction,
        validate_telegram_rules,
    )
    from spasibo.telegram.filter import GratitudeFilter
    from spasibo.telegram.messages import incoming_message
    from spasibo.telegram.middleware import SpasiboMiddleware
    from spasibo.telegram.polling import TOKEN_ENV, bot_from_token, run_polling
    from spasibo.telegram.transport import TelegramTransport
    from spasibo.telegram.wiring import setup


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'spasibo.telegram' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
