"""``run_polling(app)``: a Telegram bot that only reacts, for the sample bot and quick trials."""

from __future__ import annotations

import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.telegram.wiring import setup

TOKEN_ENV = "SPASIBO_TELEGRAM_TOKEN"


def bot_from_token(token: str | None = None, *, api_base: str | None = None) -> Bot:
    """An aiogram ``Bot`` for ``token`` (default: the ``SPASIBO_TELEGRAM_TOKEN`` environment variable).

    ``api_base`` points it at another Bot API server (a local one, or ``spasibo.testing.telegram``'s fake).
    A missing or malformed token is a one-line ``ConfigError`` saying what to set.
    """
    token = token or os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise ConfigError(f"{TOKEN_ENV} is not set: export the bot token @BotFather gave you")
    head, _, tail = token.partition(":")
    if not head.isdigit() or not tail:
        raise ConfigError(f"{TOKEN_ENV}: expected a token like '123456:ABC-DEF...', got {token[:12]!r}...")
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base)) if api_base else None
    return Bot(token, session=session)


async def run_polling(
    app: Spasibo,
    token: str | None = None,
    *,
    api_base: str | None = None,
    dispatcher: Dispatcher | None = None,
    handle_signals: bool = True,
) -> None:
    """Poll Telegram for messages and react to thanks per ``app``'s rules until stopped (Ctrl+C).

    ``dispatcher`` may carry the host's own handlers; by default it has none, so the bot only reacts.
    ``handle_signals=False`` leaves SIGINT/SIGTERM alone (stop it with ``dispatcher.stop_polling()``). When
    polling stops, the reactions still being sent in the background finish before the bot's session closes.
    """
    bot = bot_from_token(token, api_base=api_base)
    dispatcher = dispatcher or Dispatcher()
    setup(dispatcher, app)
    try:
        await dispatcher.start_polling(bot, handle_signals=handle_signals, close_bot_session=False)
    finally:
        await app.drain()  # reactions still going out in the background need the bot's session
        await bot.session.close()
