"""When Redis goes away under a running instance, clients get a 503 to retry, never a 500."""

from __future__ import annotations

import pytest

from service.support import running_service

pytestmark = pytest.mark.redis


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
