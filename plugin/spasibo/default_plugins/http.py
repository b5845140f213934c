"""Built-in plugin: registers the ``http`` transport (``HttpReactionSender``), built on first use.

The class is imported only when a rule uses ``transport = "http"``, so bots that never do need no ``httpx``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spasibo.extras import missing_extra
from spasibo.hookspecs import hookimpl
from spasibo.registry import RegisterTransport
from spasibo.transport import Transport


def build_http_sender(options: Mapping[str, Any]) -> Transport:
    """``HttpReactionSender.from_options(options)``; a missing ``http`` extra is said plainly."""
    try:
        from spasibo.http_sender import HttpReactionSender
    except ModuleNotFoundError as error:
        raise missing_extra(error, "the http transport") from None
    return HttpReactionSender.from_options(options)


@hookimpl(trylast=True)
def spasibo_register_transports(register: RegisterTransport) -> None:
    """Register ``http``, built from ``[transports.http]`` on first use."""
    register(build_http_sender, name="http")
