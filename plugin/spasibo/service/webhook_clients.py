"""Connections to the bots' webhooks: httpx clients of one connection each, reused per URL.

httpcore's connection pool looks at every connection it holds (polling each idle socket) whenever it assigns a
request or closes a response, so one pool of ``concurrency`` connections spent about a third of a webhook
delivery's CPU on that. A client of one connection looks at one. Up to ``keep_idle`` clients (the delivery
concurrency) stay open between deliveries, each kept for the URL it last posted to; beyond that the least
recently used is closed. Every client shares one TLS context, so a new one is cheap to make.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterator

import httpx


class WebhookClients:
    """Hands out a one-connection ``httpx.AsyncClient`` per delivery, reusing idle ones for the same URL."""

    def __init__(self, *, timeout_s: float, keep_idle: int) -> None:
        self._timeout_s = timeout_s
        self._keep_idle = keep_idle
        self._tls: ssl.SSLContext | None = None  # made on the first client: certificates are read once
        self._idle: list[tuple[str, httpx.AsyncClient]] = []  # the most recently used last
        self._closed = False

    @contextlib.asynccontextmanager
    async def client_for(self, url: str) -> AsyncIterator[httpx.AsyncClient]:
        """A client for one request to ``url``; it goes back to the idle ones afterwards."""
        client = self._take(url)
        try:
            yield client
        finally:
            await self._give_back(url, client)

    def _take(self, url: str) -> httpx.AsyncClient:
        for index in range(len(self._idle) - 1, -1, -1):
            if self._idle[index][0] == url:
                return self._idle.pop(index)[1]
        if self._tls is None:
            self._tls = httpx.create_ssl_context()  # what each client would make: certifi's CAs
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        return httpx.AsyncClient(timeout=self._timeout_s, limits=limits, verify=self._tls)

    async def _give_back(self, url: str, client: httpx.AsyncClient) -> None:
        if self._closed:
            await client.aclose()
            return
        self._idle.append((url, client))
        if len(self._idle) > self._keep_idle:
            _, oldest = self._idle.pop(0)
            await oldest.aclose()

    async def aclose(self) -> None:
        """Close every idle client; clients still in use are closed when they come back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for _, client in idle:
            await client.aclose()
