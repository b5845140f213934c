"""``@app.on(...)`` handlers are plugins: each is registered on the app's plugin manager as an
implementation of ``spasibo_message_handled``, so code-first wiring and installed plugins share one mechanism.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from spasibo.filters import Filter, apply_filters
from spasibo.hookspecs import hookimpl
from spasibo.models import Outcome

Handler = Callable[..., Any]


class OutcomeHandler:
    """Calls ``function(message, verdict, outcome, **injected)`` when every filter accepts a message's
    outcome.

    The handler receives, by parameter name, ``message``, ``verdict``, ``outcome`` and whatever the filters
    injected; it may be ``async def`` or plain ``def``.
    """

    def __init__(self, function: Handler, filters: tuple[Filter, ...]) -> None:
        self.function = function
        self.filters = filters
        parameters = inspect.signature(function).parameters.values()
        self._takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
        self._names = frozenset(p.name for p in parameters)

    @hookimpl
    def spasibo_message_handled(self, outcome: Outcome) -> Awaitable[None] | None:
        """Run the handler for ``outcome`` when the filters accept it."""
        injected = apply_filters(self.filters, outcome)
        if injected is None:
            return None
        available = {"message": outcome.message, "verdict": outcome.verdict, "outcome": outcome, **injected}
        kwargs = available if self._takes_any else {k: v for k, v in available.items() if k in self._names}
        return self._run(kwargs)

    async def _run(self, kwargs: dict[str, Any]) -> None:
        result = self.function(**kwargs)
        if inspect.isawaitable(result):
            await result
