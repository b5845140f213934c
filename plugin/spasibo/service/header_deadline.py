"""Close connections whose request headers do not arrive in time: uvicorn's HTTP protocol with a deadline.

uvicorn times out idle keep-alive connections but not a request whose headers trickle in byte by byte, so a
few hundred such clients could hold as many descriptors for as long as they liked. Here a connection must
complete each request's headers within ``timeout_s`` of connecting (or of the previous answer), or it is
closed; the body's own deadline is ``BodyLimit``'s (408).

The deadline is added to uvicorn's httptools protocol when httptools is installed (``spasibo[service]``
brings it; it parses a request in C, where h11 costs the service about a fifth of its CPU per reaction), else
to its pure-Python h11 protocol.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is not installed: uvicorn's pure-Python parser
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


class HeaderDeadline:
    """Mixed into a uvicorn protocol: closes the connection when a request's headers take longer than
    ``timeout_s``. Both of uvicorn's protocols replace ``cycle`` once a request's headers are complete and
    call ``on_response_complete`` after each answer.
    """

    timeout_s: float = 10.0
    # set by the uvicorn protocol this is mixed into
    cycle: object
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        self._disarm()
        waiting_since = self.cycle  # a new request replaces the cycle once its headers are complete
        self._header_timer = self.loop.call_later(self.timeout_s, self._expire, waiting_since)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expire(self, waiting_since: object) -> None:
        self._header_timer = None
        if self.cycle is waiting_since and not self.transport.is_closing():
            self.transport.close()


def header_deadline_protocol(timeout_s: float) -> type[asyncio.Protocol]:
    """uvicorn's fastest available HTTP protocol class with the header deadline ``timeout_s`` (uvicorn
    builds protocol instances itself, so the deadline is a class attribute).
    """
    base: type[asyncio.Protocol] = HttpToolsProtocol if HttpToolsProtocol is not None else H11Protocol
    return type("HeaderDeadlineProtocol", (HeaderDeadline, base), {"timeout_s": timeout_s})
