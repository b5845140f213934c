"""get_plugin_manager(): built-ins first, blocking, fresh managers; register() validation names the plugin."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

from spasibo.errors import ConfigError, ReactionError
from spasibo.hookspecs import hookimpl
from spasibo.manager import BLOCK_PLUGINS_ENV, PluginHooks, get_plugin_manager
from spasibo.models import ReactionRequest, ReactionResult, Verdict
from spasibo.registry import PluginError, UnknownTransportError
from spasibo.rules import ReactionDecision
from spasibo.settings import RuleSettings
from spasibo.testing.app import RecordingTransport

from .conftest import make_message


class TransportPlugin:
    """Registers whatever it is given, the way a third-party plugin would."""

    def __init__(self, *items: object, name: str | None = None) -> None:
        self.items = items
        self.name = name

    @hookimpl
    def spasibo_register_transports(self, register) -> None:
        for item in self.items:
            if self.name is None:
                register(item)
            else:
                register(item, name=self.name)


class PhrasePlugin:
    def __init__(self, item: object) -> None:
        self.item = item

    @hookimpl
    def spasibo_register_phrases(self, register) -> None:
        register(self.item)


def test_builtin_plugins_are_registered_first_in_a_fixed_order() -> None:
    names = [name for name, _ in get_plugin_manager().list_name_plugin()]
    assert names[:5] == [
        "spasibo.phrases",
        "spasibo.detector",
        "spasibo.rules",
        "spasibo.console",
        "spasibo.sending",
    ]


def test_each_call_builds_a_fresh_manager() -> None:
    first, second = get_plugin_manager(), get_plugin_manager()
    first.register(TransportPlugin(), name="only-in-first")
    assert first is not second
    assert second.get_plugin("only-in-first") is None


def test_importing_spasibo_loads_no_plugin() -> None:
    code = "import sys, spasibo.app; print(sorted(m for m in sys.modules if 'default_plugins' in m))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


class FakeDistribution:
    """Just what the loader reads of an ``importlib.metadata.Distribution``."""

    def __init__(self, name: str, version: str, *entry_points: importlib.metadata.EntryPoint) -> None:
        self.metadata = {"Name": name}
        self.version = version
        self.entry_points = list(entry_points)


def test_installed_plugin_failing_to_import_is_named_logged_and_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = importlib.metadata.EntryPoint("sms", "spasibo_sms_not_installed", "spasibo")
    working = importlib.metadata.EntryPoint("working", "string", "spasibo")  # no hooks, loads
    distributions = [FakeDistribution("spasibo-sms", "1.2.0", broken), FakeDistribution("w", "0.1", working)]
    monkeypatch.delenv("SPASIBO_DISABLE_PLUGIN_AUTOLOAD")
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: distributions)
    pm = get_plugin_manager()
    assert pm.get_plugin("sms") is None
    assert pm.get_plugin("working") is not None
    assert pm.load_failures == {"sms": "ModuleNotFoundError: No module named 'spasibo_sms_not_installed'"}
    [logged] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert logged.startswith("plugin 'sms' (from spasibo-sms 1.2.0, entry point spasibo_sms_not_installed)")
    assert "SPASIBO_BLOCK_PLUGINS=sms" in logged


def test_blocked_builtin_is_not_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_PLUGINS_ENV, "spasibo.console, spasibo.detector")
    pm = get_plugin_manager()
    assert pm.is_blocked("spasibo.console")
    assert pm.get_plugin("spasibo.detector") is None
    assert "console" not in PluginHooks(pm).transports()


def test_missing_detector_is_explained_with_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_PLUGINS_ENV, "spasibo.detector")
    with pytest.raises(PluginError, match=r"no plugin answered spasibo_detect.*'spasibo.detector'.*blocked"):
        PluginHooks(get_plugin_manager()).detect(make_message(), packs=())


def test_default_detect_is_the_fuzzy_detector_over_the_registered_packs() -> None:
    hooks = PluginHooks(get_plugin_manager())
    verdict = hooks.detect(make_message("Спасибо большое!"), packs=tuple(hooks.phrase_packs()))
    assert (verdict.intent, verdict.gratitude, verdict.closing) == ("gratitude", True, True)


def test_an_installed_detect_implementation_wins_over_the_builtin() -> None:
    class Always:
        @hookimpl
        def spasibo_detect(self, message) -> Verdict:
            return Verdict(intent="always", score=1.0)

    pm = get_plugin_manager()
    pm.register(Always(), name="always")
    assert PluginHooks(pm).detect(make_message("anything"), packs=()).intent == "always"
    pm.unregister(name="always")


def test_default_choice_applies_the_rules() -> None:
    thanks = Verdict(intent="gratitude", gratitude=True, score=90.0)
    decision = PluginHooks(get_plugin_manager()).choose_reaction(
        make_message(), thanks, [RuleSettings(react="🙏")], make_message().sent_at, ["console"]
    )
    assert decision.request is not None
    assert decision.request.emoji == "🙏"


def test_a_choose_reaction_implementation_overrides_the_rules() -> None:
    class FireForEverything:
        @hookimpl
        def spasibo_choose_reaction(self, message) -> ReactionDecision:
            return ReactionDecision(request=ReactionRequest(message=message, emoji="🔥", transport="console"))

    pm = get_plugin_manager()
    pm.register(FireForEverything(), name="fire")
    decision = PluginHooks(pm).choose_reaction(
        make_message("привет"), Verdict(), [], make_message().sent_at, []
    )
    pm.unregister(name="fire")
    assert decision.request is not None
    assert decision.request.emoji == "🔥"


def test_default_transports_offer_the_console_and_the_service_client() -> None:
    transports = PluginHooks(get_plugin_manager()).transports()
    assert list(transports) == ["console", "http"]
    assert transports.owner("console") == "spasibo.console"


def test_installed_transport_of_a_builtin_name_wins() -> None:
    pm = get_plugin_manager()
    mine = RecordingTransport("console")
    pm.register(TransportPlugin(mine), name="my-console")
    transports = PluginHooks(pm).transports()
    assert transports["console"] is mine
    assert transports.owner("console") == "my-console"


def test_two_plugins_registering_one_transport_name_is_an_error_naming_both() -> None:
    pm = get_plugin_manager()
    pm.register(TransportPlugin(RecordingTransport("sms")), name="first-sms")
    pm.register(TransportPlugin(RecordingTransport("sms")), name="second-sms")
    with pytest.raises(PluginError, match=r"first-sms.*second-sms|second-sms.*first-sms"):
        PluginHooks(pm).transports()


def test_object_without_async_send_is_rejected_naming_the_plugin() -> None:
    class NotATransport:
        name = "broken"

        def send(self, request):  # not async
            return None

    pm = get_plugin_manager()
    pm.register(TransportPlugin(NotATransport()), name="broken-plugin")
    with pytest.raises(PluginError, match=r"plugin 'broken-plugin'.*is not a transport"):
        PluginHooks(pm).transports()


def test_transport_with_an_invalid_name_is_rejected() -> None:
    pm = get_plugin_manager()
    pm.register(TransportPlugin(RecordingTransport("Bad Name")), name="bad-name-plugin")
    with pytest.raises(PluginError, match=r"plugin 'bad-name-plugin': transport name 'Bad Name'"):
        PluginHooks(pm).transports()


def test_factory_is_built_on_first_use_with_its_settings_table() -> None:
    built: list[dict[str, object]] = []

    def factory(options):
        built.append(dict(options))
        return RecordingTransport("sms")

    pm = get_plugin_manager()
    pm.register(TransportPlugin(factory, name="sms"), name="sms-plugin")
    transports = PluginHooks(pm).transports({"sms": {"sender": "ACME"}})
    assert built == []
    assert transports["sms"].name == "sms"
    assert built == [{"sender": "ACME"}]


def test_transport_class_is_built_from_its_settings_table_and_named_by_its_name() -> None:
    class Sms(RecordingTransport):
        name = "sms"

        def __init__(self, sender: str) -> None:
            super().__init__("sms")
            self.sender = sender

    pm = get_plugin_manager()
    pm.register(TransportPlugin(Sms), name="sms-plugin")
    built = PluginHooks(pm).transports({"sms": {"sender": "ACME"}})["sms"]
    assert isinstance(built, Sms)
    assert built.sender == "ACME"


def test_bad_settings_table_for_a_transport_names_the_table_and_the_plugin() -> None:
    pm = get_plugin_manager()
    with pytest.raises(
        ConfigError, match=r"transports.console: plugin 'spasibo.console' could not build .*stream"
    ):
        PluginHooks(pm).transports({"console": {"stream": "printer"}})["console"]


def test_factory_building_a_differently_named_transport_is_rejected() -> None:
    pm = get_plugin_manager()
    pm.register(TransportPlugin(lambda options: RecordingTransport("other"), name="sms"), name="sms-plugin")
    with pytest.raises(PluginError, match=r"plugin 'sms-plugin': the factory for 'sms' built .*'other'"):
        PluginHooks(pm).transports()["sms"]


def test_unknown_transport_lists_the_registered_ones() -> None:
    with pytest.raises(UnknownTransportError, match=r"no transport named 'fax'; registered: console"):
        PluginHooks(get_plugin_manager()).transports()["fax"]


def test_phrase_register_rejects_what_is_not_a_pack_naming_the_plugin() -> None:
    pm = get_plugin_manager()
    pm.register(PhrasePlugin({"phrases": ["спасибо"]}), name="dict-pack")
    with pytest.raises(
        PluginError, match=r"plugin 'dict-pack': register\(\) takes a spasibo.phrases.PhrasePack"
    ):
        PluginHooks(pm).phrase_packs()


def test_broken_phrase_file_is_rejected_naming_the_plugin_and_the_file(tmp_path) -> None:
    broken = tmp_path / "thanks_uk.toml"
    broken.write_text('intent = "gratitude"\nphrases = ["дякую"]\n', encoding="utf-8")  # no language
    pm = get_plugin_manager()
    pm.register(PhrasePlugin(broken), name="broken-pack")
    with pytest.raises(
        PluginError, match=r"plugin 'broken-pack': bad phrase pack: .*thanks_uk.toml.*language"
    ):
        PluginHooks(pm).phrase_packs()


def test_registered_pack_reaches_the_detector_hook() -> None:
    from spasibo.phrases import PhrasePack

    pack = PhrasePack(intent="gratitude", language="uk", phrases=("дякую",), source="test")
    pm = get_plugin_manager()
    pm.register(PhrasePlugin(pack), name="uk-pack")
    packs = PluginHooks(pm).phrase_packs()
    assert packs[0] is pack  # installed plugins' packs come before the built-in ones
    assert {p.language for p in packs[1:]} >= {"ru", "en"}


def test_plugin_failing_inside_register_is_reported_with_its_name() -> None:
    class Crashing:
        @hookimpl
        def spasibo_register_transports(self, register) -> None:
            raise RuntimeError("cannot reach the SMS gateway")

    pm = get_plugin_manager()
    pm.register(Crashing(), name="crashing")
    with pytest.raises(
        PluginError, match=r"plugin 'crashing' failed in spasibo_register_transports: cannot reach"
    ):
        PluginHooks(pm).transports()


async def test_default_send_goes_to_the_transport_the_request_names() -> None:
    pm = get_plugin_manager()
    sms = RecordingTransport("sms")
    request = ReactionRequest(message=make_message(), emoji="❤️", transport="sms")
    result = await PluginHooks(pm).send_reaction(request, {"sms": sms})
    assert isinstance(result, ReactionResult)
    assert sms.sent == [request]


async def test_a_send_implementation_overrides_the_default() -> None:
    class Refusing:
        @hookimpl
        def spasibo_send_reaction(self, request):
            async def refuse() -> ReactionResult:
                raise ReactionError("refused by policy")

            return refuse()

    pm = get_plugin_manager()
    pm.register(Refusing(), name="refusing")
    sms = RecordingTransport("sms")
    request = ReactionRequest(message=make_message(), emoji="❤️", transport="sms")
    with pytest.raises(ReactionError, match="refused by policy"):
        await PluginHooks(pm).send_reaction(request, {"sms": sms})
    assert sms.sent == []
