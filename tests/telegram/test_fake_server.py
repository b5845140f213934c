"""The fake Bot API stays honest: its methods are real Bot API methods and its JSON parses into aiogram's
own models, so what passes here would pass against Telegram's shapes."""

from __future__ import annotations

import inspect

import aiogram.methods
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNotFound, TelegramUnauthorizedError
from aiogram.methods.base import TelegramMethod
from aiogram.types import Chat, Message, Update, User

from spasibo.testing.telegram import FakeBotAPI


def aiogram_method_names() -> set[str]:
    return {
        cls.__api_method__
        for _, cls in inspect.getmembers(aiogram.methods, inspect.isclass)
        if issubclass(cls, TelegramMethod) and hasattr(cls, "__api_method__")
    }


def test_every_method_the_fake_answers_is_a_bot_api_method_aiogram_knows() -> None:
    assert set(FakeBotAPI().methods) <= aiogram_method_names()


def test_queued_update_parses_into_aiograms_update_message_user_and_chat() -> None:
    api = FakeBotAPI()
    json = api.message_json("Спасибо!", chat_id=-100500, user_id=31, chat_type="supergroup", message_id=9)
    update = Update.model_validate({"update_id": 1, "message": json})
    assert isinstance(update.message, Message)
    assert isinstance(update.message.chat, Chat)
    assert isinstance(update.message.from_user, User)
    assert (update.message.chat.id, update.message.chat.type, update.message.message_id) == (
        -100500,
        "supergroup",
        9,
    )


async def test_get_me_answers_the_bot_the_token_names(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (bot.id, True, api.bot_username)


async def test_send_message_is_recorded_and_answered_with_a_message(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(chat_id=42, text="Здравствуйте")
    assert (sent.chat.id, sent.text, sent.from_user and sent.from_user.id) == (42, "Здравствуйте", bot.id)
    assert [(item.chat_id, item.text) for item in api.sent_messages] == [("42", "Здравствуйте")]


async def test_get_updates_delivers_queued_updates_until_the_offset_confirms_them(
    api: FakeBotAPI, bot: Bot
) -> None:
    first = api.queue_message("один")["update_id"]
    second = api.queue_message("два")["update_id"]
    assert [update.update_id for update in await bot.get_updates()] == [first, second]
    assert [update.update_id for update in await bot.get_updates(offset=second)] == [second]
    assert await bot.get_updates(offset=second + 1, timeout=1) == []


async def test_delete_webhook_succeeds(bot: Bot) -> None:
    assert await bot.delete_webhook() is True


async def test_unknown_method_is_a_not_found_error(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramNotFound, match="method not found"):
        await bot.get_chat(chat_id=1)  # not implemented by the fake


async def test_wrong_token_is_unauthorized(api: FakeBotAPI) -> None:
    other = FakeBotAPI(token="999:OTHER")
    other.base_url = api.base_url
    stranger = other.bot()
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()
