"""run_polling and bot_from_token: a reacting bot from a token, and a one-line error without one."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Dispatcher

from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.telegram import TOKEN_ENV, TelegramTransport, bot_from_token, run_polling
from spasibo.testing.telegram import FakeBotAPI


def test_missing_token_is_one_line_naming_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(ConfigError, match=f"^{TOKEN_ENV} is not set: export the bot token") as raised:
        bot_from_token()
    assert "\n" not in str(raised.value)


async def test_run_polling_without_a_token_raises_what_the_readme_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(ConfigError) as raised:
        await run_polling(Spasibo(), handle_signals=False)
    assert str(raised.value) == f"{TOKEN_ENV} is not set: export the bot token @BotFather gave you"


def test_malformed_token_says_what_a_token_looks_like(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "not-a-token")
    with pytest.raises(ConfigError, match="expected a token like '123456:ABC-DEF"):
        bot_from_token()


async def test_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "4242:SECRET")
    bot = bot_from_token()
    try:
        assert bot.id == 4242
    finally:
        await bot.session.close()


async def test_run_polling_reacts_to_thanks_through_the_given_api_server(
    api: FakeBotAPI, app: Spasibo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, api.token)
    dispatcher = Dispatcher()
    api.queue_message("Спасибо большое!", chat_id=64, message_id=3)
    task = asyncio.create_task(
        run_polling(app, api_base=api.base_url, dispatcher=dispatcher, handle_signals=False)
    )
    try:
        reactions = await api.wait_for_reactions(1)
    finally:
        await dispatcher.stop_polling()
        await task
    assert [(call.chat_id, call.message_id, call.emoji) for call in reactions] == [("64", 3, ["❤"])]


async def test_a_reaction_still_in_flight_when_polling_stops_goes_out_before_the_session_closes(
    api: FakeBotAPI, app: Spasibo, monkeypatch: pytest.MonkeyPatch
) -> None:
    class SlowTelegramTransport(TelegramTransport):
        async def send(self, request):
            await asyncio.sleep(0.5)  # still sending when polling stops
            return await super().send(request)

    monkeypatch.setattr("spasibo.telegram.middleware.TelegramTransport", SlowTelegramTransport)
    monkeypatch.setenv(TOKEN_ENV, api.token)
    dispatcher = Dispatcher()
    api.queue_message("Спасибо большое!", chat_id=65, message_id=4)
    task = asyncio.create_task(
        run_polling(app, api_base=api.base_url, dispatcher=dispatcher, handle_signals=False)
    )
    await api.wait_until_delivered()
    assert api.reactions == []
    await dispatcher.stop_polling()
    await task
    assert [(call.chat_id, call.message_id) for call in api.reactions] == [("65", 4)]
