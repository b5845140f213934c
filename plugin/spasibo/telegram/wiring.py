"""``setup(dispatcher, app)``: the one call that wires spasibo into an aiogram 3 bot."""

from __future__ import annotations

from aiogram import Dispatcher

from spasibo.app import Spasibo
from spasibo.telegram.emoji import validate_telegram_rules
from spasibo.telegram.middleware import SpasiboMiddleware


def setup(dispatcher: Dispatcher, app: Spasibo, *, company_id: str = "default") -> SpasiboMiddleware:
    """Feed every incoming message to ``app`` before the host's handlers, which get ``spasibo_outcome``.

    Checks first that every rule that may reach Telegram reacts with an emoji Telegram allows (a
    ``ConfigError`` naming ``rules[i].react`` otherwise). Returns the installed middleware.

        dp = Dispatcher()
        setup(dp, Spasibo.from_toml("spasibo.toml"))

        @dp.message()
        async def answer(message: Message, spasibo_outcome: Outcome | None) -> None:
            if spasibo_outcome is None or spasibo_outcome.reply_needed:
                await message.answer("…")
    """
    validate_telegram_rules(app.settings)
    middleware = SpasiboMiddleware(app, company_id=company_id)
    dispatcher.message.outer_middleware(middleware)
    return middleware
