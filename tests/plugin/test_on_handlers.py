"""@app.on(...) handlers and filters: code-first wiring on the same spasibo_message_handled hook."""

from __future__ import annotations

from spasibo.filters import FromPlatform, Intent, Reacted, ReplyNeeded, Skipped, as_filter
from spasibo.models import Outcome, SkipReason
from spasibo.settings import RuleSettings

from .conftest import CONFIRMATION, THANKS, make_message


async def test_handler_runs_for_its_intent_with_message_verdict_and_outcome(make_app) -> None:
    app, _ = make_app()
    calls = []

    @app.on("gratitude")
    async def thanked(message, verdict, outcome) -> None:
        calls.append((message.text, verdict.intent, outcome.reacted))

    await app.feed(make_message("Спасибо!"))
    await app.feed(make_message("привет"))
    assert calls == [("Спасибо!", "gratitude", True)]


async def test_handler_is_a_plugin_on_the_apps_manager(make_app, plugin_manager) -> None:
    app, _ = make_app()

    @app.on("gratitude")
    def thanked(outcome) -> None:
        pass

    names = [name for name, _ in plugin_manager.list_name_plugin()]
    assert any(name.startswith("spasibo.on.") and "thanked" in name for name in names)


async def test_plain_def_handler_taking_only_what_it_names(make_app) -> None:
    app, _ = make_app(RuleSettings(), RuleSettings(intent="confirmation", react="👍"))
    seen = []

    @app.on("confirmation")
    def confirmed(verdict) -> None:
        seen.append(verdict)

    await app.feed(make_message("ок, договорились"))
    assert seen == [CONFIRMATION]


async def test_filter_dict_is_injected_by_name(make_app) -> None:
    app, _ = make_app()
    emojis = []

    @app.on("gratitude", Reacted())
    async def reacted(emoji) -> None:
        emojis.append(emoji)

    await app.feed(make_message("Спасибо!"))
    assert emojis == ["❤️"]


async def test_rejecting_filter_keeps_the_handler_silent(make_app) -> None:
    app, _ = make_app()
    calls = []

    @app.on("gratitude", FromPlatform("telegram"))
    async def telegram_only(outcome) -> None:
        calls.append(outcome)

    await app.feed(make_message("Спасибо!", platform="console"))
    assert calls == []


async def test_handler_without_intent_sees_every_message(make_app) -> None:
    app, _ = make_app()
    reasons = []

    @app.on(None, Skipped())
    async def not_reacted(reason) -> None:
        reasons.append(reason)

    await app.feed(make_message("Спасибо!"))
    await app.feed(make_message("привет"))
    assert reasons == [SkipReason.NOT_DETECTED]


def _outcome(**fields) -> Outcome:
    return Outcome(**{"message": make_message(), "verdict": THANKS, **fields})


def test_filters_combine_with_and_or_not() -> None:
    closing_thanks = Intent("gratitude") & ~ReplyNeeded()
    assert closing_thanks(_outcome(reply_needed=False))
    assert not closing_thanks(_outcome(reply_needed=True))
    assert (Intent("confirmation") | ReplyNeeded())(_outcome(reply_needed=True))


def test_and_merges_the_injected_values() -> None:
    combined = Skipped() & as_filter(lambda outcome: {"chat": outcome.message.chat})
    assert combined(_outcome(skipped=SkipReason.COOLDOWN)) == {
        "reason": SkipReason.COOLDOWN,
        "chat": "chat-1",
    }


def test_skipped_matches_only_the_given_reasons() -> None:
    assert not Skipped(SkipReason.COOLDOWN)(_outcome(skipped=SkipReason.DUPLICATE))
