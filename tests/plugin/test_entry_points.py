"""The example plugins in hooks/ are installed for the tests (make test) and load through entry points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spasibo.app import Spasibo
from spasibo.errors import ReactionError
from spasibo.manager import BLOCK_PLUGINS_ENV, DISABLE_AUTOLOAD_ENV, PluginHooks, get_plugin_manager
from spasibo.models import utc_now
from spasibo.settings import RuleSettings, SpasiboSettings
from spasibo.testing.app import RecordingTransport

from .conftest import ScriptedDetector, make_message

EXAMPLES = ("confirmation", "audit-log", "hosted-judge")


@pytest.fixture
def autoload(monkeypatch: pytest.MonkeyPatch, example_plugins: Path) -> None:
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)


@pytest.mark.usefixtures("autoload")
def test_example_plugins_load_through_entry_points_after_the_builtins() -> None:
    names = [name for name, _ in get_plugin_manager().list_name_plugin()]
    missing = [name for name in EXAMPLES if name not in names]
    assert not missing, f"{missing} not installed: `make test` installs hooks/*/ into .venv/example-plugins"
    assert names.index("confirmation") > names.index("spasibo.sending")


def test_autoload_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    names = {name for name, _ in get_plugin_manager().list_name_plugin()}
    assert names.isdisjoint(EXAMPLES)


@pytest.mark.usefixtures("autoload")
def test_a_blocked_entry_point_is_not_loaded_and_the_others_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_PLUGINS_ENV, "confirmation")
    pm = get_plugin_manager()
    assert pm.get_plugin("confirmation") is None
    assert pm.is_blocked("confirmation")
    assert pm.get_plugin("audit-log") is not None


@pytest.mark.usefixtures("autoload")
def test_confirmation_pack_adds_its_phrase_files() -> None:
    packs = PluginHooks(get_plugin_manager()).phrase_packs()
    confirmation = [pack for pack in packs if pack.intent == "confirmation"]
    assert sorted(pack.language for pack in confirmation) == ["en", "ru"]
    assert all(Path(pack.source).parent.name == "spasibo_confirmation" for pack in confirmation)


@pytest.mark.usefixtures("autoload")
async def test_confirmation_pack_makes_the_app_thumb_up_a_confirmation() -> None:
    settings = SpasiboSettings(rules=[RuleSettings(), RuleSettings(intent="confirmation", react="👍")])
    app = Spasibo(settings)
    console = app.use_transport(RecordingTransport("console"))
    outcome = await app.feed(make_message("Ок, договорились", sent_at=utc_now()))
    assert outcome.verdict.intent == "confirmation"
    assert [request.emoji for request in console.sent] == ["👍"]


async def test_without_the_pack_a_confirmation_gets_nothing() -> None:
    settings = SpasiboSettings(rules=[RuleSettings(), RuleSettings(intent="confirmation", react="👍")])
    app = Spasibo(settings)
    console = app.use_transport(RecordingTransport("console"))
    await app.feed(make_message("Ок, договорились", sent_at=utc_now()))
    assert console.sent == []


@pytest.fixture
def audited_app(autoload, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock):
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("SPASIBO_AUDIT_LOG", str(log))
    monkeypatch.setenv(
        BLOCK_PLUGINS_ENV, "spasibo.phrases,spasibo.detector,confirmation"
    )  # scripted verdicts
    pm = get_plugin_manager()
    pm.register(ScriptedDetector(), name="scripted-detector")
    app = Spasibo(plugin_manager=pm, clock=clock)
    transport = app.use_transport(RecordingTransport("console"))
    return app, transport, log


async def test_audit_log_plugin_writes_a_line_per_sent_reaction(audited_app) -> None:
    app, _, log = audited_app
    await app.feed(make_message("Спасибо!", message_id="wamid.9"))
    [record] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (record["event"], record["emoji"], record["message_id"]) == ("sent", "❤️", "wamid.9")


async def test_audit_log_plugin_records_failures_with_the_error(audited_app) -> None:
    app, transport, log = audited_app
    transport.error = ReactionError("session logged out")
    await app.feed(make_message("Спасибо!"))
    [record] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (record["event"], record["error"]) == ("failed", "ReactionError: session logged out")
