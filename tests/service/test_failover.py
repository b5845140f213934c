"""Redis stalls and instance failover never drop a live session or answer 404 for a company that exists
(issue 13, items 7, 8 and 9), against a redis-server of the test's own that the tests pause and kill.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

import pytest

from service.support import Service, running_service

pytestmark = pytest.mark.redis

FAST_LEASES = {"lease_ttl_s": 1.0, "lease_renew_interval_s": 0.2, "redis_timeout_s": 0.3}


def instance(url: str, name: str, **overrides):
    settings = {"redis_key_prefix": "failover", "instance_id": name, "companies": ["acme"], **FAST_LEASES}
    return running_service(redis_url=url, **{**settings, **overrides})


async def eventually_sent(service: Service, message_id: str, timeout_s: float = 5.0) -> int:
    """POST a reaction until it is sent (200) or ``timeout_s`` passes; the last status."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = (await service.react(companyId="acme", messageId=message_id)).status_code
        if status == 200 or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.1)


async def test_a_redis_stall_longer_than_the_lease_keeps_the_owners_session(private_redis) -> None:
    url, redis = private_redis
    async with instance(url, "one") as owner:
        client = owner.factory.latest["acme"]
        redis.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            during = await owner.react(companyId="acme", messageId="during")
            answered_after_s = time.monotonic() - started
            await asyncio.sleep(2 * FAST_LEASES["lease_ttl_s"])  # the lease expires meanwhile
        finally:
            redis.send_signal(signal.SIGCONT)
        await asyncio.sleep(3 * FAST_LEASES["lease_renew_interval_s"])
        after = await owner.react(companyId="acme", messageId="after")
        assert (during.status_code, during.json()["error"]["code"]) == (503, "shared_state_unavailable")
        assert answered_after_s < 2.0
        assert after.status_code == 200
        assert owner.factory.latest["acme"] is client
        assert client.connected


async def test_between_the_owners_stop_and_the_takeover_a_standby_answers_503_not_404(private_redis) -> None:
    url, _ = private_redis
    async with contextlib.AsyncExitStack() as owner_running:
        owner = await owner_running.enter_async_context(instance(url, "one"))
        # the standby's own rounds are far apart: only a request can make it take over within the test
        async with instance(url, "two", lease_ttl_s=60.0, lease_renew_interval_s=30.0) as standby:
            assert (await owner.react(companyId="acme", messageId="1")).status_code == 200
            assert (await standby.react(companyId="acme", messageId="2")).status_code == 421
            await owner_running.aclose()  # the owner stops and releases its lease
            moving = await standby.react(companyId="acme", messageId="3")
            assert moving.status_code == 503
            assert moving.json()["error"]["code"] == "company_moving"
            assert int(moving.headers["Retry-After"]) >= 1
            assert await eventually_sent(standby, "4") == 200


async def test_a_company_nobody_knows_is_still_404(private_redis) -> None:
    url, _ = private_redis
    async with instance(url, "one") as service:
        answer = await service.react(companyId="nobody", messageId="1")
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, "unknown_company")


async def test_while_redis_is_down_a_company_held_elsewhere_is_503_not_404(private_redis) -> None:
    url, redis = private_redis
    async with instance(url, "two", companies=[]) as other, instance(url, "one"):
        redis.kill()
        redis.wait()
        answer = await other.react(companyId="acme", messageId="1")
        assert (answer.status_code, answer.json()["error"]["code"]) == (503, "shared_state_unavailable")


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/sessions/acme/logout"), ("DELETE", "/sessions/acme")]
)
async def test_a_logout_or_removal_sent_to_a_standby_leaves_its_takeover_alone(
    private_redis, method: str, path: str
) -> None:
    url, _ = private_redis
    async with contextlib.AsyncExitStack() as owner_running:
        owner = await owner_running.enter_async_context(instance(url, "one"))
        async with instance(url, "two") as standby:
            refused = await standby.client.request(method, path)
            assert refused.status_code == 421
            assert refused.json()["error"]["owner"] == "one"
            assert owner.pool.session("acme").state == "connected"
            assert owner.factory.latest["acme"].logged_in
            await owner_running.aclose()
            assert await eventually_sent(standby, "after-owner-stopped") == 200
