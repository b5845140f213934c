"""The reachability probe: a TCP connection within a timeout, through the environment's proxy if any."""

from __future__ import annotations

import asyncio
import socket

import pytest

from spasibo.whatsapp.reach import tcp_reach


@pytest.fixture
async def listener():
    accepted = []

    async def on_connect(reader, writer):
        accepted.append(True)
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1], accepted


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch):
    for name in ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


async def test_a_listening_endpoint_is_reachable(listener):
    port, accepted = listener
    await tcp_reach("127.0.0.1", port, 2.0)()
    await asyncio.sleep(0.05)
    assert accepted == [True]


async def test_a_refused_connection_is_unreachable():
    with pytest.raises(ConnectionRefusedError):
        await tcp_reach("127.0.0.1", closed_port(), 2.0)()


async def test_the_environment_proxy_is_probed_instead_of_the_host(listener, monkeypatch):
    port, accepted = listener
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")
    await tcp_reach("web.whatsapp.invalid", 443, 2.0)()  # a name that never resolves: only the proxy counts
    await asyncio.sleep(0.05)
    assert accepted == [True]
