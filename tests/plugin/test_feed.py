"""Spasibo.feed(): outcomes, once per message id, cooldowns, transport failures and observers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from spasibo.errors import ConfigError, RateLimitedError, ReactionError
from spasibo.hookspecs import hookimpl
from spasibo.models import ReactionResult, SkipReason
from spasibo.settings import DedupeSettings, RuleSettings
from spasibo.testing.app import FAKE_CLOCK_START, RecordingTransport

from .conftest import SARCASM, THANKS, make_message


class Observer:
    """Records the sent/failed/handled hooks, one of them async, as plugins may be."""

    def __init__(self) -> None:
        self.sent: list[ReactionResult] = []
        self.failed: list[Exception] = []
        self.handled: list[SkipReason | None] = []

    @hookimpl
    def spasibo_reaction_sent(self, request, result) -> None:
        self.sent.append(result)

    @hookimpl
    def spasibo_reaction_failed(self, request, error):
        async def record() -> None:
            self.failed.append(error)

        return record()

    @hookimpl
    def spasibo_message_handled(self, outcome) -> None:
        self.handled.append(outcome.skipped)


@pytest.fixture
def observer(plugin_manager):
    observer = Observer()
    plugin_manager.register(observer, name="observer")
    yield observer
    plugin_manager.unregister(name="observer")


async def test_gratitude_gets_a_heart(make_app) -> None:
    app, transport = make_app()
    outcome = await app.feed(make_message("Спасибо!"))
    assert outcome.reacted
    assert outcome.verdict == THANKS
    assert [request.emoji for request in transport.sent] == ["❤️"]


async def test_sarcasm_gets_no_reaction_and_needs_a_reply(make_app) -> None:
    app, transport = make_app()
    outcome = await app.feed(make_message("спасибо за испорченный вечер"))
    assert (outcome.skipped, outcome.reply_needed, outcome.verdict) == (
        SkipReason.NOT_DETECTED,
        True,
        SARCASM,
    )
    assert transport.sent == []


async def test_closing_thanks_under_reply_false_needs_no_reply(make_app) -> None:
    app, _ = make_app(RuleSettings(reply=False))
    assert (await app.feed(make_message("Спасибо!"))).reply_needed is False


async def test_the_same_message_fed_twice_reacts_once(make_app) -> None:
    app, transport = make_app()
    message = make_message("Спасибо!", message_id="wamid.1")
    first, second = await app.feed(message), await app.feed(message)
    assert first.reacted
    assert second.skipped is SkipReason.DUPLICATE
    assert len(transport.sent) == 1


async def test_concurrent_duplicates_react_once(make_app) -> None:
    app, transport = make_app()
    message = make_message("Спасибо!", message_id="wamid.2")
    outcomes = await asyncio.gather(*(app.feed(message) for _ in range(5)))
    assert sum(outcome.reacted for outcome in outcomes) == 1
    assert len(transport.sent) == 1


async def test_same_message_id_in_another_chat_is_not_a_duplicate(make_app) -> None:
    app, transport = make_app()
    await app.feed(make_message("Спасибо!", message_id="7", chat="chat-1"))
    await app.feed(make_message("Спасибо!", message_id="7", chat="chat-2"))
    assert len(transport.sent) == 2


async def test_same_message_id_of_another_company_is_not_a_duplicate(make_app) -> None:
    app, transport = make_app()
    await app.feed(make_message("Спасибо!", message_id="7", company_id="acme"))
    await app.feed(make_message("Спасибо!", message_id="7", company_id="globex"))
    assert len(transport.sent) == 2


async def test_message_seen_longer_ago_than_the_dedupe_ttl_is_handled_again(make_app, clock) -> None:
    app, transport = make_app(dedupe=DedupeSettings(ttl_s=60))
    message = make_message("Спасибо!", message_id="wamid.3")
    await app.feed(message)
    clock.advance(61)
    assert (await app.feed(message.model_copy(update={"sent_at": clock.now}))).reacted
    assert len(transport.sent) == 2


async def test_cooldown_skips_the_next_thanks_in_the_same_chat(make_app) -> None:
    app, transport = make_app(RuleSettings(cooldown_s=60))
    await app.feed(make_message("Спасибо!"))
    assert (await app.feed(make_message("Спасибо!"))).skipped is SkipReason.COOLDOWN
    assert len(transport.sent) == 1


async def test_cooldown_ends_after_its_seconds(make_app, clock) -> None:
    app, _ = make_app(RuleSettings(cooldown_s=60))
    await app.feed(make_message("Спасибо!"))
    clock.advance(60)
    assert (await app.feed(make_message("Спасибо!", sent_at=clock.now))).reacted


async def test_cooldown_of_one_chat_does_not_hold_back_another(make_app) -> None:
    app, _ = make_app(RuleSettings(cooldown_s=60))
    await app.feed(make_message("Спасибо!", chat="chat-1"))
    assert (await app.feed(make_message("Спасибо!", chat="chat-2"))).reacted


async def test_old_backlog_message_is_too_old(make_app, clock) -> None:
    app, transport = make_app()
    outcome = await app.feed(make_message("Спасибо!", sent_at=FAKE_CLOCK_START - timedelta(hours=2)))
    assert outcome.skipped is SkipReason.TOO_OLD
    assert transport.sent == []


async def test_transport_error_is_an_outcome_not_an_exception(make_app, observer) -> None:
    app, transport = make_app()
    transport.error = ReactionError("socket closed")
    outcome = await app.feed(make_message("Спасибо!"))
    assert outcome.skipped is SkipReason.TRANSPORT_ERROR
    assert outcome.error == "ReactionError: socket closed"
    assert outcome.reaction is not None
    assert not outcome.reacted
    assert [str(error) for error in observer.failed] == ["socket closed"]


async def test_unexpected_transport_exception_is_a_transport_error_too(make_app) -> None:
    app, transport = make_app()
    transport.error = ConnectionResetError("peer reset")
    outcome = await app.feed(make_message("Спасибо!"))
    assert (outcome.skipped, outcome.error) == (
        SkipReason.TRANSPORT_ERROR,
        "ConnectionResetError: peer reset",
    )


async def test_rate_limit_is_reported_as_rate_limited(make_app) -> None:
    app, transport = make_app()
    transport.error = RateLimitedError("too many reactions", retry_after_s=5)
    assert (await app.feed(make_message("Спасибо!"))).skipped is SkipReason.RATE_LIMITED


async def test_transport_slower_than_the_timeout_is_a_transport_error(
    make_app, plugin_manager, clock
) -> None:
    class Hanging(RecordingTransport):
        async def send(self, request):
            await asyncio.sleep(10)

    app, _ = make_app(reaction_timeout_s=0.05)
    app.use_transport(Hanging("console"))
    outcome = await app.feed(make_message("Спасибо!"))
    assert outcome.skipped is SkipReason.TRANSPORT_ERROR
    assert outcome.error == "ReactionError: transport 'console' timed out after 0.05 s"


async def test_a_failed_send_can_be_retried_when_the_message_is_redelivered(make_app) -> None:
    app, transport = make_app()
    message = make_message("Спасибо!", message_id="wamid.4")
    transport.error = ReactionError("offline")
    await app.feed(message)
    transport.error = None
    assert (await app.feed(message)).reacted


def test_rule_naming_a_transport_nothing_provides_fails_when_the_app_is_built(make_app) -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.transport: no transport named 'fax'; known: console"):
        make_app(RuleSettings(transport="fax"))


async def test_platform_transport_never_attached_is_a_transport_error_at_send(make_app) -> None:
    app, _ = make_app(RuleSettings(transport="telegram"))
    outcome = await app.feed(make_message("Спасибо!"))
    assert outcome.skipped is SkipReason.TRANSPORT_ERROR
    assert "no transport named 'telegram'; registered: console" in (outcome.error or "")


async def test_reaction_goes_to_the_transport_of_the_messages_platform(make_app) -> None:
    app, console = make_app()
    whatsapp = app.use_transport(RecordingTransport("whatsapp"))
    await app.feed(make_message("Спасибо!", platform="whatsapp"))
    assert (len(whatsapp.sent), len(console.sent)) == (1, 0)


async def test_sent_observers_see_every_reaction(make_app, observer) -> None:
    app, _ = make_app()
    await app.feed(make_message("Спасибо!"))
    assert [result.emoji for result in observer.sent] == ["❤️"]


async def test_message_handled_observers_see_every_message_but_duplicates(make_app, observer) -> None:
    app, _ = make_app()
    message = make_message("Спасибо!")
    for item in (message, message, make_message("привет")):
        await app.feed(item)
    assert observer.handled == [None, SkipReason.NOT_DETECTED]


async def test_verdict_runs_only_detection(make_app) -> None:
    app, transport = make_app()
    assert app.verdict("Спасибо!") == THANKS
    assert transport.sent == []


async def test_aclose_closes_transports_built_from_factories_only(plugin_manager, clock) -> None:
    from spasibo.app import Spasibo

    built = RecordingTransport("sms")
    handed_in = RecordingTransport("whatsapp")

    class SmsPlugin:
        @hookimpl
        def spasibo_register_transports(self, register) -> None:
            register(lambda options: built, name="sms")

    plugin_manager.register(SmsPlugin(), name="sms-plugin")
    async with Spasibo(plugin_manager=plugin_manager, clock=clock) as app:
        app.use_transport(handed_in)
        assert app.transports["sms"] is built
    assert (built.closed, handed_in.closed) == (True, False)


async def test_whatsapp_message_without_a_whatsapp_transport_is_not_reported_as_reacted(make_app) -> None:
    app, console = make_app()
    outcome = await app.feed(make_message("Спасибо!", platform="whatsapp"))
    assert not outcome.reacted
    assert outcome.skipped is SkipReason.NO_TRANSPORT
    assert console.sent == []
