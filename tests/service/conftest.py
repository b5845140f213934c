"""Fixtures for the reaction service tests (helpers live in ``support.py``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from service.support import ServeProcess, Service, running_service, start_serve, stop_serve


@pytest.fixture
async def service() -> AsyncIterator[Service]:
    """The service with in-memory state, one connected company ``default``."""
    async with running_service() as running:
        yield running


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


@pytest.fixture(scope="module")
def served() -> Iterator[ServeProcess]:
    """One ``spasibo serve`` subprocess (fake WhatsApp, in-memory state) for a test module."""
    process = start_serve({})
    yield process
    stop_serve(process)
