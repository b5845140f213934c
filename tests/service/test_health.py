"""``/health`` and ``/ready`` report what is really there: the pool's sessions and the shared state."""

from __future__ import annotations

import asyncio

import pytest

from service.support import Service, running_service


async def test_health_reports_the_real_session_counts() -> None:
    async with running_service(companies=["default", "acme"]) as service:
        body = (await service.client.get("/health")).json()
    assert (body["sessionsTotal"], body["sessionsConnected"]) == (2, 2)


async def test_health_counts_a_session_that_dropped_as_not_connected(service: Service) -> None:
    service.factory.latest["default"].disconnect_event()
    await asyncio.sleep(0.05)
    body = (await service.client.get("/health")).json()
    assert (body["sessionsTotal"], body["sessionsConnected"]) == (1, 0)


async def test_ready_answers_200_when_sessions_and_state_are_fine(service: Service) -> None:
    answer = await service.client.get("/ready")
    assert answer.status_code == 200
    assert answer.json()["reason"] is None


@pytest.mark.redis
async def test_ready_fails_while_redis_is_unreachable(private_redis) -> None:
    url, process = private_redis
    async with running_service(redis_url=url, redis_key_prefix="ready") as service:
        assert (await service.client.get("/ready")).status_code == 200
        process.kill()
        process.wait()
        answer = await service.client.get("/ready")
    assert answer.status_code == 503
    assert "Redis" in answer.json()["reason"]
