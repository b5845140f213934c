"""Fixtures for the reaction service tests (helpers live in ``support.py``)."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from service.support import ServeProcess, Service, running_service, start_serve, stop_serve
from spasibo.testing.service import free_port


@pytest.fixture
async def service() -> AsyncIterator[Service]:
    """The service with in-memory state, one connected company ``default``."""
    async with running_service() as running:
        yield running


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def shared_state(request: pytest.FixtureRequest) -> dict[str, str]:
    """Settings keeping the idempotency records and the customer limits in memory, or in a real Redis (where a
    request whose key is free claims it and reserves its slot in one script: ``admission.py``).
    """
    if request.param == "memory":
        return {}
    return {
        "redis_url": request.getfixturevalue("redis_url"),
        "redis_key_prefix": request.getfixturevalue("redis_prefix"),
    }


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    import redis

    prefix = f"spasibo-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def private_redis(redis_server_binary: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own on a free loopback port, so the test may pause or kill it."""
    port = free_port()
    process = subprocess.Popen(
        [redis_server_binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    process.send_signal(signal.SIGCONT)  # a paused server would not die of SIGKILL before it resumes
    process.kill()
    process.wait()


@pytest.fixture(scope="module")
def served() -> Iterator[ServeProcess]:
    """One ``spasibo serve`` subprocess (fake WhatsApp, in-memory state) for a test module."""
    process = start_serve({})
    yield process
    stop_serve(process)
