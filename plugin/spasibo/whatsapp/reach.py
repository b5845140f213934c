"""Whether WhatsApp can be reached from here: asked before a reconnect spends a neonize connect.

Every neonize ``connect()`` opens a database handle (a ``sqlstore`` container: one sqlite file descriptor and
~190 KB, or one PostgreSQL connection) that nothing ever closes (docs/architecture.md has the measurements).
While the network is down, a plain TCP connection to WhatsApp's web endpoint tells the pool so without
leaking anything; only once it succeeds does the pool call neonize again.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.request
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

Reach = Callable[[], Awaitable[None]]
"""Returns when WhatsApp looks reachable; raises ``OSError`` (``TimeoutError`` included) when it is not."""

DEFAULT_PROXY_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}


def tcp_reach(host: str, port: int, timeout_s: float) -> Reach:
    """A probe that opens (and closes) a TCP connection to ``host:port`` within ``timeout_s``.

    neonize's Go side takes its proxy from the environment (``https_proxy``) as Go's HTTP client does, so
    when one is set for ``host`` the probe reaches the proxy instead.
    """

    async def reach() -> None:
        target = _proxy_for(host) or (host, port)
        async with asyncio.timeout(timeout_s):
            _, writer = await asyncio.open_connection(*target)
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    return reach


def _proxy_for(host: str) -> tuple[str, int] | None:
    proxy = urllib.request.getproxies().get("https")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if parts.hostname is None:
        return None
    return parts.hostname, parts.port or DEFAULT_PROXY_PORTS.get(parts.scheme, 80)
