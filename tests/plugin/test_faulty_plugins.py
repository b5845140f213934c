"""A faulty plugin never takes the host bot down: it is logged once with its name and skipped."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from spasibo.app import Spasibo
from spasibo.hookspecs import hookimpl
from spasibo.manager import BLOCK_PLUGINS_ENV, DISABLE_AUTOLOAD_ENV, get_plugin_manager
from spasibo.settings import SpasiboSettings
from spasibo.testing.app import FakeClock, RecordingTransport

from .conftest import make_message


class RaisingDetector:
    @hookimpl
    def spasibo_detect(self, message):
        raise RuntimeError("model file missing")


class GarbageDetector:
    @hookimpl
    def spasibo_detect(self, message):
        return {"gratitude": True}


class RaisingChooser:
    @hookimpl
    def spasibo_choose_reaction(self, message, verdict):
        raise KeyError("rule")


class GarbageChooser:
    @hookimpl
    def spasibo_choose_reaction(self, message, verdict):
        return "❤️"


class RaisingObserver:
    @hookimpl
    def spasibo_reaction_sent(self, request, result):
        raise OSError("disk full")


class NonAwaitableObserver:
    @hookimpl
    def spasibo_message_handled(self, outcome):
        return 42


class FailingAsyncObserver:
    @hookimpl
    def spasibo_reaction_sent(self, request, result):
        async def write():
            raise ConnectionError("metrics server down")

        return write()


class SlowDetector:
    @hookimpl
    def spasibo_detect(self, message):
        time.sleep(0.05)


def app_with(plugin: object, name: str = "faulty", **settings) -> tuple[Spasibo, RecordingTransport]:
    pm = get_plugin_manager()
    pm.register(plugin, name=name)
    app = Spasibo(SpasiboSettings(**settings), plugin_manager=pm, clock=FakeClock())
    return app, app.use_transport(RecordingTransport("console"))


def plugin_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "spasibo.plugins" and r.levelno >= logging.ERROR
    ]


@pytest.mark.parametrize("plugin", [RaisingDetector(), GarbageDetector()], ids=["raises", "garbage"])
async def test_faulty_detect_plugin_is_skipped_and_the_builtin_detector_answers(plugin, caplog) -> None:
    app, transport = app_with(plugin)
    outcome = await app.feed(make_message("Спасибо большое!"))
    assert outcome.verdict.gratitude
    assert outcome.reacted
    assert len(transport.sent) == 1
    [logged] = plugin_errors(caplog)
    assert logged.startswith("plugin 'faulty' ")
    assert "spasibo_detect" in logged


@pytest.mark.parametrize("plugin", [RaisingChooser(), GarbageChooser()], ids=["raises", "garbage"])
async def test_faulty_choose_plugin_is_skipped_and_the_builtin_rules_decide(plugin, caplog) -> None:
    app, _ = app_with(plugin)
    outcome = await app.feed(make_message("Спасибо большое!"))
    assert outcome.reacted
    [logged] = plugin_errors(caplog)
    assert "'faulty'" in logged
    assert "spasibo_choose_reaction" in logged


async def test_a_faulty_plugin_is_logged_once_however_often_it_fails(caplog) -> None:
    app, transport = app_with(RaisingDetector())
    for number in range(5):
        await app.feed(make_message("Спасибо!", chat=f"chat-{number}"))
    assert len(transport.sent) == 5
    assert len(plugin_errors(caplog)) == 1


@pytest.mark.parametrize(
    "plugin",
    [RaisingObserver(), NonAwaitableObserver(), FailingAsyncObserver()],
    ids=["raises", "42", "async"],
)
async def test_faulty_observer_never_breaks_sending(plugin, caplog) -> None:
    app, transport = app_with(plugin)
    outcome = await app.feed(make_message("Спасибо!"))
    assert outcome.reacted
    assert len(transport.sent) == 1
    [logged] = plugin_errors(caplog)
    assert "'faulty'" in logged


async def test_slow_hook_is_reported_with_its_plugins_name(caplog) -> None:
    app, _ = app_with(SlowDetector(), name="sluggish", slow_hook_ms=10)
    await app.feed(make_message("Спасибо!"))
    slow = [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "took" in r.getMessage()
    ]
    assert slow
    assert slow[0].startswith("plugin 'sluggish' took ")
    assert "spasibo_detect (slow_hook_ms is 10)" in slow[0]


async def test_host_handler_error_still_reaches_the_host() -> None:
    app, _ = app_with(object(), name="nothing")

    @app.on("gratitude")
    async def handler(message) -> None:
        raise ValueError("host bug")

    with pytest.raises(ValueError, match="host bug"):
        await app.feed(make_message("Спасибо!"))


@pytest.mark.usefixtures("example_plugins")
async def test_bundled_audit_log_plugin_with_an_unwritable_path_does_not_stop_the_bot(
    monkeypatch, tmp_path: Path, caplog
) -> None:
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)
    monkeypatch.setenv(BLOCK_PLUGINS_ENV, "confirmation")
    monkeypatch.setenv("SPASIBO_AUDIT_LOG", str(tmp_path / "no-such-dir" / "audit.jsonl"))
    app = Spasibo(clock=FakeClock())
    assert app.plugin_manager.get_plugin("audit-log") is not None
    transport = app.use_transport(RecordingTransport("console"))
    outcomes = [await app.feed(make_message("Спасибо!", chat=f"c{n}")) for n in range(3)]
    assert all(outcome.reacted for outcome in outcomes)
    assert len(transport.sent) == 3
    [logged] = plugin_errors(caplog)
    assert logged.startswith("plugin 'audit-log' raised FileNotFoundError")
