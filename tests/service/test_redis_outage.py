"""When Redis goes away under a running instance, clients get a 503 to retry, never a 500."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from service.support import running_service
from spasibo.testing.service import free_port

pytestmark = pytest.mark.redis


@pytest.fixture
def private_redis(redis_server_binary: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own on a free loopback port, so the test may kill it."""
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
    process.kill()
    process.wait()


async def test_a_redis_outage_answers_503_with_retry_after(private_redis) -> None:
    url, process = private_redis
    async with running_service(redis_url=url, redis_key_prefix="outage", companies=["default"]) as service:
        assert (await service.react(messageId="before")).status_code == 200
        process.kill()
        process.wait()
        answer = await service.react(messageId="after")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "shared_state_unavailable"
    assert "Retry-After" in answer.headers
