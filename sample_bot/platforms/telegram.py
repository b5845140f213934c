"""The Telegram platform: long polling with aiogram; ❤️ on thanks, the canned answer only when one is needed.

The token comes from ``SPASIBO_TELEGRAM_TOKEN`` (or ``[bot.telegram] token``); ``SPASIBO_TELEGRAM_API_BASE``
(or ``[bot.telegram] api_base``) points the bot at another Bot API server, such as a local one or a test's
fake. Ctrl+C or SIGTERM stops polling and the bot exits 0.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from aiogram import Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import Message
from pydantic import BaseModel, ConfigDict

from sample_bot.config import BotSettings
from sample_bot.platforms import platform_options
from sample_bot.report import describe
from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.models import Outcome
from spasibo.telegram import TOKEN_ENV, run_polling

API_BASE_ENV = "SPASIBO_TELEGRAM_API_BASE"
TELEGRAM_API = "https://api.telegram.org"


class TelegramOptions(BaseModel):
    """``[bot.telegram]``: the token (better kept in the environment) and another Bot API server."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: str | None = None
    api_base: str | None = None


def answering_dispatcher(bot: BotSettings, stdout: TextIO) -> Dispatcher:
    """A dispatcher whose one handler prints what spasibo did and answers ``bot.answer`` when needed."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def answer(message: Message, spasibo_outcome: Outcome | None) -> None:
        print(f"> {message.chat.id}: {message.text or message.caption or ''}", file=stdout)
        if spasibo_outcome is None:  # not text, or spasibo failed: answer as a bot without spasibo would
            await message.answer(bot.answer)
            return
        print("\n".join(describe(spasibo_outcome, bot.answer)), file=stdout, flush=True)
        if spasibo_outcome.reply_needed:
            await message.answer(bot.answer)

    return dispatcher


async def run(app: Spasibo, bot: BotSettings, stdout: TextIO | None = None) -> int:
    """Poll Telegram until Ctrl+C/SIGTERM; a missing token or unreachable server is a one-line error."""
    options = platform_options(TelegramOptions, bot.telegram, "telegram")
    api_base = os.environ.get(API_BASE_ENV, "").strip() or options.api_base
    dispatcher = answering_dispatcher(bot, stdout or sys.stdout)
    try:
        await run_polling(app, options.token, api_base=api_base, dispatcher=dispatcher)
    except TelegramUnauthorizedError:
        raise ConfigError(f"{TOKEN_ENV}: Telegram refused the token; check it with @BotFather") from None
    except TelegramNetworkError:
        raise ConfigError(
            f"cannot reach the Telegram Bot API at {api_base or TELEGRAM_API}: check the network or "
            f"{API_BASE_ENV}"
        ) from None
    return 0
