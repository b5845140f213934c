"""Build the plugin manager, and call its hooks through a typed facade.

``get_plugin_manager()`` makes a fresh ``pluggy.PluginManager`` each call: the built-in plugins first (their
hook implementations are ``trylast``), then every plugin installed under the entry-point group ``spasibo``.
Nothing is loaded at import time.

Two environment variables, read when the manager is built:

- ``SPASIBO_DISABLE_PLUGIN_AUTOLOAD=1`` loads no installed plugins (only the built-ins);
- ``SPASIBO_BLOCK_PLUGINS=name1,name2`` blocks plugins by entry-point name (or built-in name such as
  ``spasibo.console``) before anything is loaded.

An installed plugin that fails to import is logged with its name and skipped; a plugin that fails at run time
is isolated by ``spasibo.isolation``.

``PluginHooks`` wraps ``pm.hook`` so call sites pass typed arguments instead of loose keywords, and turns "no
plugin answered" into an error that says which plugin is missing.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pluggy

from spasibo import hookspecs
from spasibo.hookspecs import PROJECT_NAME
from spasibo.isolation import DEFAULT_SLOW_HOOK_S, HookRunner
from spasibo.models import (
    IncomingMessage,
    IncomingReaction,
    Outcome,
    ReactionRequest,
    ReactionResult,
    Verdict,
)
from spasibo.registry import PhraseCollector, PluginError, TransportTable

if TYPE_CHECKING:
    from spasibo.detection.candidate import Candidate, Judgement
    from spasibo.phrases import PhrasePack
    from spasibo.rules import ReactionDecision
    from spasibo.settings import RuleSettings
    from spasibo.transport import Transport

logger = logging.getLogger("spasibo.plugins")

DISABLE_AUTOLOAD_ENV = "SPASIBO_DISABLE_PLUGIN_AUTOLOAD"
BLOCK_PLUGINS_ENV = "SPASIBO_BLOCK_PLUGINS"
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def blocked_plugin_names(environ: Mapping[str, str] | None = None) -> list[str]:
    """The plugin names listed in ``SPASIBO_BLOCK_PLUGINS`` (comma-separated, blanks ignored)."""
    value = (os.environ if environ is None else environ).get(BLOCK_PLUGINS_ENV, "")
    return [name.strip() for name in value.split(",") if name.strip()]


def autoload_disabled(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``SPASIBO_DISABLE_PLUGIN_AUTOLOAD`` is set to 1/true/yes/on."""
    value = (os.environ if environ is None else environ).get(DISABLE_AUTOLOAD_ENV, "")
    return value.strip().lower() in _TRUE_WORDS


def get_plugin_manager() -> SpasiboPluginManager:
    """Build a fresh plugin manager: built-in plugins, then installed ``spasibo`` entry points.

    Honours ``SPASIBO_BLOCK_PLUGINS`` and ``SPASIBO_DISABLE_PLUGIN_AUTOLOAD``. Register a plugin of your own
    with ``pm.register(obj, name=...)``; hand the manager to ``Spasibo(plugin_manager=pm)``.
    """
    from spasibo.default_plugins import default_plugins

    pm = SpasiboPluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in blocked_plugin_names():
        pm.set_blocked(name)
    for name, plugin in default_plugins().items():
        pm.register(plugin, name=name)
    if not autoload_disabled():
        load_installed_plugins(pm)
    pm.check_pending()
    return pm


class SpasiboPluginManager(pluggy.PluginManager):
    """A ``pluggy.PluginManager`` that also remembers where each installed plugin came from and which failed.

    ``distributions`` maps an installed plugin's name to its distribution's (name, version), loaded or not;
    ``load_failures`` maps the name of one that could not be loaded to the reason.
    """

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self.distributions: dict[str, tuple[str, str]] = {}
        self.load_failures: dict[str, str] = {}


def load_installed_plugins(pm: pluggy.PluginManager) -> None:
    """Register every entry point of group ``spasibo``, one by one, skipping blocked ones.

    One that fails to import or register is logged with its name and distribution and skipped: a broken
    plugin costs its own feature, never the host bot's start.
    """
    for dist in importlib.metadata.distributions():
        for entry_point in dist.entry_points:
            name = entry_point.name
            if entry_point.group != PROJECT_NAME or pm.get_plugin(name) is not None or pm.is_blocked(name):
                continue
            origin = f"{dist.metadata['Name']} {dist.version}"
            if isinstance(pm, SpasiboPluginManager):
                pm.distributions[name] = (dist.metadata["Name"], dist.version)
            try:
                pm.register(entry_point.load(), name=name)
            except Exception as error:
                reason = f"{type(error).__name__}: {error}"
                logger.error(
                    "plugin %r (from %s, entry point %s) failed to load and was skipped: %s; block it with "
                    "%s=%s or set %s=1",
                    name,
                    origin,
                    entry_point.value,
                    reason,
                    BLOCK_PLUGINS_ENV,
                    name,
                    DISABLE_AUTOLOAD_ENV,
                )
                if isinstance(pm, SpasiboPluginManager):
                    pm.load_failures[name] = reason


def _call_each(caller: pluggy.HookCaller, bind: Callable[[str], Mapping[str, Any]]) -> None:
    """Call every implementation of a register hook with arguments bound to its plugin's name.

    pluggy hands all implementations the same arguments; registering needs to know who is calling so errors
    can name the plugin, so the implementations are called one by one, in pluggy's own order.
    """
    for impl in reversed(caller.get_hookimpls()):
        kwargs = bind(impl.plugin_name)
        try:
            impl.function(*(kwargs[arg] for arg in impl.argnames))
        except PluginError:
            raise
        except Exception as error:
            raise PluginError(f"plugin {impl.plugin_name!r} failed in {caller.name}: {error}") from error


class PluginHooks:
    """Typed calls of the ``spasibo_*`` hooks on one plugin manager."""

    def __init__(
        self,
        pm: pluggy.PluginManager,
        *,
        builtin_names: Collection[str] | None = None,
        slow_hook_s: float = DEFAULT_SLOW_HOOK_S,
    ) -> None:
        from spasibo.default_plugins import DEFAULT_PLUGIN_NAMES

        self.pm = pm
        self._builtin = frozenset(DEFAULT_PLUGIN_NAMES if builtin_names is None else builtin_names)
        self.runner = HookRunner(pm, trusted=self._builtin, slow_hook_s=slow_hook_s)

    def phrase_packs(self) -> list[PhrasePack]:
        """Every phrase pack the plugins register (installed plugins' packs first, built-in ones last)."""
        registrar = PhraseCollector()
        _call_each(
            self.pm.hook.spasibo_register_phrases, lambda plugin: {"register": registrar.bound(plugin)}
        )
        return registrar.packs

    def transports(self, options: Mapping[str, Mapping[str, Any]] | None = None) -> TransportTable:
        """A table of every transport the plugins register; ``options`` are the ``[transports.*]`` tables."""
        table = TransportTable(options)
        _call_each(
            self.pm.hook.spasibo_register_transports,
            lambda plugin: {"register": table.registrar(plugin, builtin=plugin in self._builtin)},
        )
        return table

    def detect(self, message: IncomingMessage, packs: Sequence[PhrasePack]) -> Verdict:
        """Run ``spasibo_detect``; raises ``PluginError`` when no plugin returns a verdict.

        A plugin that raises or returns something other than a ``Verdict`` is logged and skipped, so the next
        one (in the end the built-in detector) answers.
        """
        verdict = self.runner.first_result(
            "spasibo_detect",
            {"message": message, "packs": packs, "judge": self.judge},
            lambda result: isinstance(result, Verdict),
            "a Verdict",
        )
        if not isinstance(verdict, Verdict):
            raise PluginError(self._no_answer("spasibo_detect", "spasibo.detector", verdict))
        return verdict

    def judge(self, candidate: Candidate) -> Judgement:
        """Run ``spasibo_judge`` (faulty plugins skipped); ``PluginError`` when nobody judges."""
        from spasibo.detection.candidate import Judgement

        judgement = self.runner.first_result(
            "spasibo_judge",
            {"candidate": candidate},
            lambda result: isinstance(result, Judgement),
            "a Judgement",
        )
        if not isinstance(judgement, Judgement):
            raise PluginError(self._no_answer("spasibo_judge", "spasibo.detector", judgement))
        return judgement

    def choose_reaction(
        self,
        message: IncomingMessage,
        verdict: Verdict,
        rules: Sequence[RuleSettings],
        now: datetime,
        transport_names: Collection[str],
    ) -> ReactionDecision:
        """Run ``spasibo_choose_reaction`` (faulty plugins skipped); ``PluginError`` when nobody decides."""
        from spasibo.rules import ReactionDecision

        decision = self.runner.first_result(
            "spasibo_choose_reaction",
            {
                "message": message,
                "verdict": verdict,
                "rules": rules,
                "now": now,
                "transport_names": transport_names,
            },
            lambda result: isinstance(result, ReactionDecision),
            "a ReactionDecision",
        )
        if not isinstance(decision, ReactionDecision):
            raise PluginError(self._no_answer("spasibo_choose_reaction", "spasibo.rules", decision))
        return decision

    def send_reaction(
        self, request: ReactionRequest, transports: Mapping[str, Transport]
    ) -> Awaitable[ReactionResult]:
        """Run ``spasibo_send_reaction`` and return the awaitable a plugin produced."""
        pending = self.pm.hook.spasibo_send_reaction(request=request, transports=transports)
        if pending is None:
            raise PluginError(self._no_answer("spasibo_send_reaction", "spasibo.sending", pending))
        return pending  # type: ignore[no-any-return]

    # Observers run one after another, in hook order (a log before a metric); a faulty one is skipped.
    async def reaction_sent(self, request: ReactionRequest, result: ReactionResult) -> None:
        """Tell every observer a reaction went out, awaiting those that return awaitables."""
        await self.runner.notify("spasibo_reaction_sent", {"request": request, "result": result})

    async def reaction_failed(self, request: ReactionRequest, error: Exception) -> None:
        """Tell every observer a reaction did not go out."""
        await self.runner.notify("spasibo_reaction_failed", {"request": request, "error": error})

    async def message_handled(self, outcome: Outcome) -> None:
        """Tell every observer and ``@app.on`` handler (whose errors propagate) what happened to a message."""
        await self.runner.notify("spasibo_message_handled", {"outcome": outcome})

    async def reaction_received(self, reaction: IncomingReaction) -> None:
        """Tell every observer a customer reacted to a message."""
        await self.runner.notify("spasibo_reaction_received", {"reaction": reaction})

    def _no_answer(self, hook: str, builtin: str, got: object) -> str:
        if got is not None:
            return f"a plugin's {hook} returned {type(got).__name__}, which spasibo cannot use"
        blocked = " (it is blocked)" if self.pm.is_blocked(builtin) else ""
        return f"no plugin answered {hook}; the built-in {builtin!r} normally does{blocked}"
