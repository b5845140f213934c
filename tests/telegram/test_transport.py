"""TelegramTransport through a real aiogram Bot and the fake Bot API: what is sent, Telegram's errors."""

from __future__ import annotations

import pytest
from aiogram import Bot

from spasibo.errors import ConfigError, RateLimitedError, ReactionError
from spasibo.models import IncomingMessage, ReactionRequest
from spasibo.telegram import TelegramTransport
from spasibo.testing.telegram import FakeBotAPI


def request(emoji: str = "❤️", *, chat: str = "-100123", message_id: str = "77") -> ReactionRequest:
    message = IncomingMessage(platform="telegram", chat=chat, message_id=message_id, text="Спасибо!")
    return ReactionRequest(message=message, emoji=emoji, transport="telegram", rule="thanks")


async def test_reaction_goes_to_the_chat_and_message_in_telegrams_spelling(api: FakeBotAPI, bot: Bot) -> None:
    result = await TelegramTransport(bot).send(request("❤️", chat="-100123", message_id="77"))
    assert [(call.chat_id, call.message_id, call.emoji) for call in api.reactions] == [("-100123", 77, ["❤"])]
    assert (result.ok, result.emoji, result.message_id, result.transport) == (True, "❤", "77", "telegram")


async def test_emoji_telegram_refuses_is_a_config_error_before_any_call(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(ConfigError, match="Telegram does not allow"):
        await TelegramTransport(bot).send(request("🥳"))
    assert "setMessageReaction" not in api.calls


async def test_short_flood_wait_is_waited_out_and_retried_once(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next_reaction(429, "Too Many Requests: retry after 1", retry_after=1)
    result = await TelegramTransport(bot, max_flood_wait_s=2.0).send(request())
    assert result.ok
    assert api.calls.count("setMessageReaction") == 2
    assert len(api.reactions) == 1


async def test_flood_wait_longer_than_the_bound_is_rate_limited_without_waiting(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.fail_next_reaction(429, "Too Many Requests: retry after 30", retry_after=30)
    with pytest.raises(RateLimitedError) as raised:
        await TelegramTransport(bot, max_flood_wait_s=2.0).send(request())
    assert raised.value.retry_after_s == 30.0
    assert api.calls.count("setMessageReaction") == 1


async def test_second_flood_wait_in_a_row_is_rate_limited(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next_reaction(429, "Too Many Requests: retry after 1", retry_after=1)
    api.fail_next_reaction(429, "Too Many Requests: retry after 1", retry_after=1)
    with pytest.raises(RateLimitedError):
        await TelegramTransport(bot, max_flood_wait_s=2.0).send(request())
    assert api.calls.count("setMessageReaction") == 2
    assert api.reactions == []


@pytest.mark.parametrize(
    ("status", "description", "explained", "retryable"),
    [
        (400, "Bad Request: message to react not found", "the message is gone", False),
        (400, "Bad Request: REACTION_INVALID", "reactions are disabled in this chat", False),
        (403, "Forbidden: bot was kicked from the group chat", "may not react in this chat", False),
        (502, "Bad Gateway", "Telegram unreachable", True),
    ],
    ids=["message-deleted", "reactions-disabled", "bot-kicked", "server-error"],
)
async def test_telegram_refusal_is_a_reaction_error_that_says_why_and_whether_to_retry(
    api: FakeBotAPI, bot: Bot, status: int, description: str, explained: str, retryable: bool
) -> None:
    api.fail_next_reaction(status, description)
    with pytest.raises(ReactionError, match=explained) as raised:
        await TelegramTransport(bot).send(request())
    assert raised.value.retryable is retryable
    assert description in str(raised.value)


async def test_unreachable_server_is_a_retryable_error(api: FakeBotAPI, bot: Bot) -> None:
    await api.stop()
    with pytest.raises(ReactionError, match="Telegram unreachable") as raised:
        await TelegramTransport(bot).send(request())
    assert raised.value.retryable is True


async def test_non_numeric_message_id_is_refused_without_a_call(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(ReactionError, match="message_id: Telegram message ids are numbers"):
        await TelegramTransport(bot).send(request(message_id="wamid.1"))
    assert "setMessageReaction" not in api.calls
