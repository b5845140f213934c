"""setup() and GratitudeFilter in a real aiogram Dispatcher, with the real app, detector and Bot.

The first tests run the Dispatcher's own polling loop against the fake server; the rest hand it one update at
a time with ``feed_update`` (the same path polling takes after getUpdates), which keeps them fast.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message

from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.hookspecs import hookimpl
from spasibo.models import Outcome, SkipReason, Verdict
from spasibo.settings import RuleSettings
from spasibo.telegram import GratitudeFilter, TelegramTransport, setup
from spasibo.testing.telegram import FakeBotAPI

from .conftest import deliver, make_app, polling

THANKS = "Спасибо большое!"
QUESTION = "Где мой заказ?"
SARCASM = "спасибо за испорченный вечер"


def recording_host(app: Spasibo) -> tuple[Dispatcher, list[Outcome | None]]:
    """A host bot wired with ``setup`` whose only handler records the ``spasibo_outcome`` it receives."""
    dp = Dispatcher()
    setup(dp, app)
    seen: list[Outcome | None] = []

    @dp.message()
    async def answer(message: Message, spasibo_outcome: Outcome | None) -> None:
        seen.append(spasibo_outcome)

    return dp, seen


def final_outcomes(app: Spasibo) -> list[Outcome]:
    """The outcomes the observers get once each background reaction has been sent (or has failed)."""
    handled: list[Outcome] = []

    class Observer:
        @hookimpl
        def spasibo_message_handled(self, outcome: Outcome) -> None:
            handled.append(outcome)

    app.plugin_manager.register(Observer(), name="final-outcomes")
    return handled


def only_outcome(seen: list[Outcome | None]) -> Outcome:
    """The one outcome a host handler received."""
    assert len(seen) == 1
    assert seen[0] is not None
    return seen[0]


async def test_polled_thanks_gets_a_heart_on_its_own_chat_and_message(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    dp = Dispatcher()
    setup(dp, app)
    update = api.queue_message(THANKS, chat_id=42, message_id=501)
    async with polling(dp, bot):
        reactions = await api.wait_for_reactions(1)
    assert [(call.chat_id, call.message_id, call.emoji) for call in reactions] == [("42", 501, ["❤"])]
    assert update["message"]["message_id"] == 501


async def test_polled_question_and_sarcasm_get_no_reaction_while_the_host_answers_all(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    dp = Dispatcher()
    setup(dp, app)
    answered: list[str] = []

    @dp.message()
    async def answer(message: Message) -> None:
        answered.append(message.text or "")

    api.queue_message(QUESTION, chat_id=7)
    api.queue_message(SARCASM, chat_id=7)
    api.queue_message(THANKS, chat_id=8, message_id=900)
    async with polling(dp, bot):
        await api.wait_for_reactions(1)
        await api.wait_until_delivered()
    assert [(call.chat_id, call.message_id) for call in api.reactions] == [("8", 900)]
    assert sorted(answered) == sorted([QUESTION, SARCASM, THANKS])


async def test_host_handler_receives_the_outcome_and_skips_its_reply_to_a_closing_thanks(
    api: FakeBotAPI, bot: Bot
) -> None:
    dp = Dispatcher()
    setup(dp, make_app(RuleSettings(react="❤️", reply=False)))

    @dp.message()
    async def answer(message: Message, spasibo_outcome: Outcome | None) -> None:
        if spasibo_outcome is None or spasibo_outcome.reply_needed:
            await message.answer("Сейчас проверю")

    await deliver(dp, bot, api.queue_message(THANKS, chat_id=5))
    await deliver(dp, bot, api.queue_message(QUESTION, chat_id=5))
    assert [(sent.chat_id, sent.text) for sent in api.sent_messages] == [("5", "Сейчас проверю")]
    assert len(api.reactions) == 1


async def test_outcome_says_why_a_question_got_no_reaction(api: FakeBotAPI, bot: Bot, app: Spasibo) -> None:
    dp, seen = recording_host(app)
    await deliver(dp, bot, api.queue_message(QUESTION))
    outcome = only_outcome(seen)
    assert (outcome.reacted, outcome.skipped) == (False, SkipReason.NOT_DETECTED)
    assert api.reactions == []


async def test_incoming_message_carries_telegrams_ids_and_chat_kind(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    dp, seen = recording_host(app)
    await deliver(dp, bot, api.queue_message(THANKS, chat_id=-100500, user_id=31, chat_type="supergroup"))
    message = only_outcome(seen).message
    assert (message.platform, message.chat, message.sender, message.is_group, message.from_me) == (
        "telegram",
        "-100500",
        "31",
        True,
        False,
    )
    assert message.message_id == str(api.reactions[0].message_id)


async def test_bots_own_message_gets_no_reaction(api: FakeBotAPI, bot: Bot, app: Spasibo) -> None:
    dp, seen = recording_host(app)
    await deliver(dp, bot, api.queue_message(THANKS, user_id=api.bot_id))
    outcome = only_outcome(seen)
    assert (outcome.message.from_me, outcome.skipped) == (True, SkipReason.OWN_MESSAGE)
    assert api.reactions == []


async def test_telegram_refusing_the_reaction_is_reported_and_the_host_handler_still_runs(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    dp, seen = recording_host(app)
    handled = final_outcomes(app)
    api.fail_next_reaction(400, "Bad Request: message to react not found")
    await deliver(dp, bot, api.queue_message(THANKS))
    assert only_outcome(seen).sending  # the host's handler did not wait for Telegram's answer
    [outcome] = handled
    assert outcome.skipped == SkipReason.TRANSPORT_ERROR
    assert "the message is gone" in (outcome.error or "")


async def test_failure_inside_spasibo_does_not_stop_the_host_handler(
    api: FakeBotAPI, bot: Bot, app: Spasibo, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_feed(message: Any, **options: Any) -> Outcome:
        raise RuntimeError("detector exploded")

    monkeypatch.setattr(app, "feed", broken_feed)
    dp, seen = recording_host(app)
    await deliver(dp, bot, api.queue_message(THANKS))
    assert seen == [None]
    assert "detector exploded" in caplog.text


def test_setup_refuses_a_rule_emoji_telegram_does_not_allow() -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.react: Telegram does not allow '🥳'"):
        setup(Dispatcher(), make_app(RuleSettings(react="🥳")))


async def test_gratitude_filter_routes_thanks_to_its_handler_with_the_verdict(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    dp = Dispatcher()
    setup(dp, app)
    routed: list[tuple[str, str | None]] = []

    @dp.message(GratitudeFilter())
    async def thanks(message: Message, verdict: Verdict) -> None:
        routed.append(("thanks", verdict.match))

    @dp.message()
    async def other(message: Message) -> None:
        routed.append(("other", None))

    await deliver(dp, bot, api.queue_message(THANKS))
    await deliver(dp, bot, api.queue_message(SARCASM))
    assert routed[0][0] == "thanks"
    assert routed[0][1]
    assert routed[1] == ("other", None)


async def test_gratitude_filter_min_score_lets_a_less_certain_thanks_fall_through(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    unsure = "спасибо, уже не надо, вопрос решился"  # the judge is less sure of it than of a plain thanks
    assert app.verdict(unsure).gratitude
    between = (app.verdict(unsure).score + app.verdict(THANKS).score) / 2
    assert app.verdict(unsure).score < between < app.verdict(THANKS).score
    dp = Dispatcher()
    setup(dp, app)
    routed: list[tuple[str, str]] = []

    @dp.message(GratitudeFilter(min_score=between))
    async def sure_thanks(message: Message) -> None:
        routed.append(("thanks", message.text or ""))

    @dp.message()
    async def other(message: Message) -> None:
        routed.append(("other", message.text or ""))

    await deliver(dp, bot, api.queue_message(THANKS))
    await deliver(dp, bot, api.queue_message(unsure))
    assert routed == [("thanks", THANKS), ("other", unsure)]


async def test_gratitude_filter_works_without_setup_given_the_app(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    dp = Dispatcher()
    verdicts: list[Verdict] = []

    @dp.message(GratitudeFilter(app=app))
    async def thanks(message: Message, verdict: Verdict) -> None:
        verdicts.append(verdict)

    await deliver(dp, bot, api.queue_message(THANKS))
    assert [verdict.gratitude for verdict in verdicts] == [True]
    assert api.reactions == []  # without setup() nothing is fed, so nothing reacts


async def test_gratitude_filter_without_an_app_says_how_to_give_it_one(api: FakeBotAPI, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(GratitudeFilter())
    async def thanks(message: Message) -> None: ...

    with pytest.raises(ConfigError, match=r"setup\(dispatcher, app\)"):
        await deliver(dp, bot, api.queue_message(THANKS))


def test_gratitude_filter_refuses_a_score_outside_0_to_100() -> None:
    with pytest.raises(ConfigError, match="min_score"):
        GratitudeFilter(min_score=150)


async def test_long_flood_wait_is_reported_as_rate_limited(api: FakeBotAPI, bot: Bot, app: Spasibo) -> None:
    dp, _ = recording_host(app)
    handled = final_outcomes(app)
    api.fail_next_reaction(429, "Too Many Requests: retry after 60", retry_after=60)
    await deliver(dp, bot, api.queue_message(THANKS))
    [outcome] = handled
    assert outcome.skipped == SkipReason.RATE_LIMITED
    assert api.reactions == []


async def test_message_without_text_reaches_the_host_with_no_outcome(
    api: FakeBotAPI, bot: Bot, app: Spasibo
) -> None:
    dp, seen = recording_host(app)
    update = api.queue_message("")
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "s",
        "file_unique_id": "u",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await deliver(dp, bot, update)
    assert seen == [None]
    assert "setMessageReaction" not in api.calls


async def test_transport_the_host_registered_is_kept(api: FakeBotAPI, bot: Bot, app: Spasibo) -> None:
    mine = TelegramTransport(bot)
    app.use_transport(mine)
    dp, _ = recording_host(app)
    await deliver(dp, bot, api.queue_message(THANKS))
    assert app.transports["telegram"] is mine
    assert len(api.reactions) == 1
