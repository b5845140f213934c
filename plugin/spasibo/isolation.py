"""Calling plugins' hook implementations one at a time, so that one faulty plugin cannot take the host down.

pluggy calls every implementation of a hook in one go and lets the first exception out. spasibo runs inside
someone else's bot, so it calls them one by one, in pluggy's own order, and:

- a plugin that raises, or returns something the hook cannot use, is logged once (per plugin and hook) with
  its name and skipped: for ``spasibo_detect``/``spasibo_choose_reaction`` the next implementation (in the end
  the built-in) answers instead, and an observer's failure never breaks sending;
- an implementation that takes longer than ``slow_hook_s`` (call plus the awaitable it returned) is logged
  with its plugin's name, every time, because a slow hook delays every message;
- the built-in plugins and the host's own ``@app.on`` handlers are not isolated or timed: their errors are
  spasibo's bugs or the host's own code and surface as before; the built-ins' cost is measured in benchmarks/.

New-style and old-style hook wrappers are not called here; spasibo's hooks define no wrapper semantics.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any

import pluggy

logger = logging.getLogger("spasibo.plugins")

DEFAULT_SLOW_HOOK_S = 0.1
HOST_HANDLER_PREFIX = "spasibo.on."  # the plugin names of ``@app.on`` handlers


class HookRunner:
    """Runs the implementations of one plugin manager's hooks with faults isolated and slowness reported."""

    def __init__(
        self, pm: pluggy.PluginManager, *, trusted: Collection[str], slow_hook_s: float = DEFAULT_SLOW_HOOK_S
    ) -> None:
        self.pm = pm
        self._trusted = frozenset(trusted)
        self.slow_hook_s = slow_hook_s
        self._reported: set[tuple[str, str]] = set()

    def first_result(
        self, hook: str, kwargs: Mapping[str, Any], accept: Callable[[object], bool], expected: str
    ) -> object | None:
        """The first usable non-None result of ``hook``; faulty implementations are logged and skipped."""
        for impl in self._implementations(hook):
            started = time.perf_counter()
            try:
                result = impl.function(*(kwargs[name] for name in impl.argnames))
            except Exception as error:
                if self._is_trusted(impl.plugin_name):
                    raise
                self._fault(impl.plugin_name, hook, f"raised {type(error).__name__}: {error}")
                continue
            finally:
                self._timed(impl.plugin_name, hook, started)
            if result is None:
                continue
            if not accept(result):
                if self._is_trusted(impl.plugin_name):
                    return result  # the caller explains a built-in's unusable answer
                self._fault(impl.plugin_name, hook, f"returned {type(result).__name__}, not {expected}")
                continue
            return result
        return None

    async def notify(self, hook: str, kwargs: Mapping[str, Any]) -> None:
        """Call every observer of ``hook`` in order, awaiting what they return; faulty ones are skipped."""
        for impl in self._implementations(hook):
            started = time.perf_counter()
            try:
                result = impl.function(*(kwargs[name] for name in impl.argnames))
                if inspect.isawaitable(result):
                    await result
                elif result is not None:
                    self._fault(
                        impl.plugin_name, hook, f"returned {type(result).__name__}, not None or an awaitable"
                    )
            except Exception as error:
                if self._is_trusted(impl.plugin_name):
                    raise
                self._fault(impl.plugin_name, hook, f"raised {type(error).__name__}: {error}")
            finally:
                self._timed(impl.plugin_name, hook, started)

    def _implementations(self, hook: str) -> list[pluggy.HookImpl]:
        caller: pluggy.HookCaller = getattr(self.pm.hook, hook)
        # get_hookimpls() lists in registration order with tryfirst/trylast applied; pluggy calls it reversed
        return [impl for impl in reversed(caller.get_hookimpls()) if not (impl.hookwrapper or impl.wrapper)]

    def _is_trusted(self, plugin: str) -> bool:
        return plugin in self._trusted or plugin.startswith(HOST_HANDLER_PREFIX)

    def _fault(self, plugin: str, hook: str, problem: str) -> None:
        if (plugin, hook) in self._reported:
            logger.debug("plugin %r skipped again in %s: %s", plugin, hook, problem)
            return
        self._reported.add((plugin, hook))
        logger.error(
            "plugin %r %s in %s; skipped (further faults of it in this hook are not logged again)",
            plugin,
            problem,
            hook,
        )

    def _timed(self, plugin: str, hook: str, started: float) -> None:
        elapsed_s = time.perf_counter() - started
        if elapsed_s > self.slow_hook_s and not self._is_trusted(plugin):
            logger.warning(
                "plugin %r took %.0f ms in %s (slow_hook_ms is %.0f): it delays every message",
                plugin,
                elapsed_s * 1000,
                hook,
                self.slow_hook_s * 1000,
            )
