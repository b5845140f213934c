"""Fixtures for the Telegram tests: the fake Bot API, a real aiogram Bot pointed at it, the real app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update

from spasibo.app import Spasibo
from spasibo.manager import BLOCK_PLUGINS_ENV, DISABLE_AUTOLOAD_ENV
from spasibo.settings import RuleSettings, SpasiboSettings
from spasibo.telegram.middleware import SpasiboMiddleware
from spasibo.testing.telegram import FakeBotAPI


@pytest.fixture(autouse=True)
def _only_builtin_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    # The example plugins in hooks/ are installed in the test environment; these tests use the built-ins only.
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    monkeypatch.delenv(BLOCK_PLUGINS_ENV, raising=False)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = api.bot()
    yield bot
    await bot.session.close()


def make_app(*rules: RuleSettings) -> Spasibo:
    """The real app with the real detector; ``rules`` default to the built-in one (❤️ on gratitude)."""
    settings = SpasiboSettings(rules=list(rules)) if rules else SpasiboSettings()
    return Spasibo(settings)


@pytest.fixture
def app() -> Spasibo:
    return make_app()


async def deliver(dispatcher: Dispatcher, bot: Bot, update: dict[str, Any]) -> Any:
    """Hand one fake-server update to the real Dispatcher, as polling would (without the polling loop), and
    wait for the reactions spasibo sends in the background.
    """
    result = await dispatcher.feed_update(bot, Update.model_validate(update, context={"bot": bot}))
    for middleware in dispatcher.message.outer_middleware:
        if isinstance(middleware, SpasiboMiddleware):
            await middleware.app.drain()
    return result


@asynccontextmanager
async def polling(dispatcher: Dispatcher, bot: Bot) -> AsyncIterator[None]:
    """Run ``dispatcher.start_polling(bot)`` for the duration of the block."""
    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        yield
    finally:
        await dispatcher.stop_polling()
        await task
