"""spasibo for Telegram bots written with aiogram 3 (install the ``telegram`` extra).

    dp = Dispatcher()
    setup(dp, Spasibo.from_toml("spasibo.toml"))  # every message goes through app.feed()

    @dp.message(GratitudeFilter(min_score=80))
    async def thanks(message: Message, verdict: Verdict) -> None: ...

Unlike ``spasibo`` itself this package imports aiogram at once: importing it means wiring a Telegram bot.
"""

from __future__ import annotations

from spasibo.extras import missing_extra

try:
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
except ModuleNotFoundError as _error:
    raise missing_extra(_error, "the Telegram integration (spasibo.telegram)") from None

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
