"""Built-in plugin: registers the console transport, the default target of every reaction."""

from __future__ import annotations

from spasibo.console import ConsoleTransport
from spasibo.hookspecs import hookimpl
from spasibo.registry import RegisterTransport


@hookimpl(trylast=True)
def spasibo_register_transports(register: RegisterTransport) -> None:
    """Register ``console``, built from ``[transports.console]`` on first use."""
    register(ConsoleTransport)
