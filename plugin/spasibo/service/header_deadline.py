"""Close connections whose request headers do not arrive in time: uvicorn's h11 protocol with a deadline.

uvicorn times out idle keep-alive connections but not a request whose headers trickle in byte by byte, so a
few hundred such clients could hold as many descriptors for as long as they liked. Here a connection must
complete each request's headers within ``timeout_s`` of connecting (or of the previous answer), or it is
closed; the body's own deadline is ``BodyLimit``'s (408).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class HeaderDeadlineProtocol(H11Protocol):
    """``H11Protocol`` closing the connection when a request's headers take longer than ``timeout_s``."""

    timeout_s: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    @classmethod
    def with_timeout(cls, timeout_s: float) -> type[HeaderDeadlineProtocol]:
        """This protocol class with ``timeout_s`` (uvicorn builds protocol instances itself)."""
        return type(cls.__name__, (cls,), {"timeout_s": timeout_s})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

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
