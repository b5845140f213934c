"""Fixtures for the plugin tests: a scripted detector (rules are tested apart from the real one), a fake
clock, a recording transport and an app factory. Installed plugins load only in tests that ask for them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pluggy
import pytest

from spasibo.app import Spasibo
from spasibo.hookspecs import hookimpl
from spasibo.manager import BLOCK_PLUGINS_ENV, DISABLE_AUTOLOAD_ENV, get_plugin_manager
from spasibo.models import IncomingMessage, Verdict
from spasibo.settings import RuleSettings, SpasiboSettings
from spasibo.testing.app import FAKE_CLOCK_START, FakeClock, RecordingTransport

THANKS = Verdict(intent="gratitude", gratitude=True, closing=True, score=95.0, match="спасибо")
THANKS_AND_QUESTION = Verdict(intent="gratitude", gratitude=True, closing=False, score=90.0, match="спасибо")
WEAK_THANKS = Verdict(intent="gratitude", gratitude=True, closing=True, score=55.0, match="спс")
SARCASM = Verdict(intent="gratitude", gratitude=False, score=90.0, reason="sarcasm")
CONFIRMATION = Verdict(intent="confirmation", gratitude=False, closing=True, score=92.0, match="ок")
NOTHING = Verdict()

SCRIPT: dict[str, Verdict] = {
    "Спасибо!": THANKS,
    "Спасибо, а когда доставка?": THANKS_AND_QUESTION,
    "спс": WEAK_THANKS,
    "спасибо за испорченный вечер": SARCASM,
    "ок, договорились": CONFIRMATION,
}

_ids = itertools.count(1)


class ScriptedDetector:
    """A detector plugin answering from ``SCRIPT`` (anything else: no intent)."""

    @hookimpl
    def spasibo_detect(self, message: IncomingMessage) -> Verdict:
        return SCRIPT.get(message.text, NOTHING)


def make_message(text: str = "Спасибо!", **fields: Any) -> IncomingMessage:
    """A message sent at the fake clock's start, with a fresh id unless given."""
    defaults: dict[str, Any] = {"chat": "chat-1", "message_id": f"m{next(_ids)}", "sent_at": FAKE_CLOCK_START}
    return IncomingMessage(text=text, **{**defaults, **fields})


@pytest.fixture(autouse=True)
def _only_builtin_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    # The example plugins in hooks/ are installed in the test environment; tests opt in to them explicitly.
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    monkeypatch.delenv(BLOCK_PLUGINS_ENV, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def plugin_manager(monkeypatch: pytest.MonkeyPatch) -> pluggy.PluginManager:
    """Built-ins with the scripted detector in place of the real one and its phrase packs."""
    monkeypatch.setenv(BLOCK_PLUGINS_ENV, "spasibo.phrases,spasibo.detector")
    pm = get_plugin_manager()
    pm.register(ScriptedDetector(), name="scripted-detector")
    return pm


@pytest.fixture
def make_app(
    plugin_manager: pluggy.PluginManager, clock: FakeClock
) -> Callable[..., tuple[Spasibo, RecordingTransport]]:
    """``make_app(*rules, **settings)`` -> (app, the recording transport that replaced the console)."""

    def build(*rules: RuleSettings, **settings: Any) -> tuple[Spasibo, RecordingTransport]:
        if rules:
            settings["rules"] = list(rules)
        app = Spasibo(SpasiboSettings(**settings), plugin_manager=plugin_manager, clock=clock)
        transport = RecordingTransport("console")
        app.use_transport(transport)
        return app, transport

    return build
