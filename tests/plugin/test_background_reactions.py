"""feed(wait_for_reaction=False): the decision at once, the reaction in a tracked background task."""

from __future__ import annotations

import asyncio

import pytest

from spasibo.errors import ReactionError
from spasibo.hookspecs import hookimpl
from spasibo.models import SkipReason
from spasibo.settings import RuleSettings
from spasibo.testing.app import RecordingTransport

from .conftest import make_message


class Observer:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failed: list[str] = []
        self.handled: list[object] = []

    @hookimpl
    def spasibo_reaction_sent(self, request, result) -> None:
        self.sent.append(request.message.message_id)

    @hookimpl
    def spasibo_reaction_failed(self, request, error) -> None:
        self.failed.append(str(error))

    @hookimpl
    def spasibo_message_handled(self, outcome) -> None:
        self.handled.append(outcome)


@pytest.fixture
def observer(plugin_manager) -> Observer:
    observer = Observer()
    plugin_manager.register(observer, name="observer")
    return observer


class GatedTransport(RecordingTransport):
    """Sends only once ``gate`` is set: a transport as slow as the test wants."""

    def __init__(self) -> None:
        super().__init__("console")
        self.gate = asyncio.Event()

    async def send(self, request):
        await self.gate.wait()
        return await super().send(request)


async def test_the_decision_returns_while_the_send_is_still_blocked(make_app) -> None:
    app, _ = make_app(RuleSettings(reply=False))
    transport = app.use_transport(GatedTransport())
    outcome = await asyncio.wait_for(app.feed(make_message("Спасибо!"), wait_for_reaction=False), 5.0)
    assert outcome.sending
    assert outcome.reply_needed is False
    assert outcome.reaction is not None
    assert not outcome.reacted
    assert transport.sent == []
    transport.gate.set()
    await app.aclose()
    assert len(transport.sent) == 1


async def test_aclose_drains_the_background_sends(make_app, observer) -> None:
    app, transport = make_app()
    transport.delay_s = 0.05
    for number in range(3):
        await app.feed(make_message("Спасибо!", chat=f"c{number}"), wait_for_reaction=False)
    await app.aclose()
    assert len(transport.sent) == 3
    assert len(observer.sent) == 3
    assert all(outcome.reacted and not outcome.sending for outcome in observer.handled)


async def test_a_failed_background_send_reaches_the_observers(make_app, observer) -> None:
    app, transport = make_app()
    transport.error = ReactionError("session logged out")
    outcome = await app.feed(make_message("Спасибо!"), wait_for_reaction=False)
    assert outcome.sending
    await app.drain()
    assert observer.failed == ["session logged out"]
    [handled] = observer.handled
    assert handled.skipped is SkipReason.TRANSPORT_ERROR


async def test_a_second_thanks_during_a_slow_send_is_cooled_down_not_sent_twice(make_app) -> None:
    app, transport = make_app(RuleSettings(cooldown_s=60))
    transport.delay_s = 0.05
    await app.feed(make_message("Спасибо!"), wait_for_reaction=False)
    second = await app.feed(make_message("Спасибо!"), wait_for_reaction=False)
    assert second.skipped is SkipReason.COOLDOWN
    await app.drain()
    assert len(transport.sent) == 1


async def test_a_failed_send_ends_the_cooldown_it_started(make_app) -> None:
    app, transport = make_app(RuleSettings(cooldown_s=60))
    transport.error = ReactionError("offline")
    await app.feed(make_message("Спасибо!"))
    transport.error = None
    assert (await app.feed(make_message("Спасибо!"))).reacted


async def test_a_host_handler_failing_after_a_background_send_is_logged_not_lost(make_app, caplog) -> None:
    app, _ = make_app()

    @app.on("gratitude")
    async def handler(message) -> None:
        raise ValueError("host bug")

    await app.feed(make_message("Спасибо!"), wait_for_reaction=False)
    await app.drain()
    [record] = [r for r in caplog.records if r.getMessage() == "a handler failed after a background reaction"]
    assert "host bug" in str(record.exc_info[1])
