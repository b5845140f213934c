"""Several instances sharing Redis: one rate limit, one idempotency record, one owner per company."""

from __future__ import annotations

import asyncio

import pytest

from service.support import running_service

pytestmark = pytest.mark.redis


def shared(redis_url: str, redis_prefix: str, **overrides):
    return running_service(redis_url=redis_url, redis_key_prefix=redis_prefix, **overrides)


async def test_the_phone_limit_is_shared_by_two_instances(redis_url: str, redis_prefix: str) -> None:
    async with (
        shared(redis_url, redis_prefix, rate_limit_per_phone_per_minute=2, instance_id="one") as first,
        shared(redis_url, redis_prefix, rate_limit_per_phone_per_minute=2, instance_id="two") as second,
    ):
        await second.pool.add_session("default")  # both serve the company, bypassing the lease
        assert (await first.react(messageId="1")).status_code == 200
        assert (await second.react(messageId="2")).status_code == 200
        refused = await first.react(messageId="3")
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers


async def test_the_phone_limit_of_one_company_leaves_another_company_alone(
    redis_url: str, redis_prefix: str
) -> None:
    async with shared(
        redis_url, redis_prefix, rate_limit_per_phone_per_minute=1, companies=["a", "b"]
    ) as service:
        assert (await service.react(companyId="a", messageId="1")).status_code == 200
        assert (await service.react(companyId="a", messageId="2")).status_code == 429
        assert (await service.react(companyId="b", messageId="3")).status_code == 200


async def test_a_duplicate_sent_to_another_instance_is_answered_without_sending(
    redis_url: str, redis_prefix: str
) -> None:
    # both instances serve company "a" in this test (its leases are off: separate instance ids would fight)
    async with (
        shared(redis_url, redis_prefix, companies=["a"], instance_id="one") as first,
        shared(redis_url, redis_prefix, companies=[], instance_id="two") as second,
    ):
        await second.pool.add_session("a")  # a second pool with the same company, bypassing the lease
        answers = await asyncio.gather(
            first.react(companyId="a", messageId="3A01"), second.react(companyId="a", messageId="3A01")
        )
        assert [a.status_code for a in answers] == [200, 200]
        assert answers[0].json() == answers[1].json()
        assert first.sent("a") + second.sent("a") == 1


async def test_a_company_owned_by_another_instance_is_421_naming_the_owner(
    redis_url: str, redis_prefix: str
) -> None:
    async with (
        shared(
            redis_url, redis_prefix, companies=["a"], instance_id="one", public_url="http://one:8000"
        ) as first,
        shared(redis_url, redis_prefix, companies=["a"], instance_id="two") as second,
    ):
        assert [s.company_id for s in first.pool.sessions()] == ["a"]
        assert second.pool.sessions() == []  # never a second connection of the same account
        response = await second.react(companyId="a")
        assert response.status_code == 421
        error = response.json()["error"]
        assert (error["code"], error["owner"], error["ownerUrl"]) == (
            "owned_elsewhere",
            "one",
            "http://one:8000",
        )
        adding = await second.client.post("/sessions", json={"companyId": "a"})
        assert adding.status_code == 421


async def test_when_the_owner_stops_another_instance_takes_the_company_over(
    redis_url: str, redis_prefix: str
) -> None:
    timing = {"lease_ttl_s": 1.0, "lease_renew_interval_s": 0.1}
    first_running = shared(redis_url, redis_prefix, companies=["a"], instance_id="one", **timing)
    first = await first_running.__aenter__()
    try:
        async with shared(redis_url, redis_prefix, companies=["a"], instance_id="two", **timing) as second:
            assert [s.company_id for s in first.pool.sessions()] == ["a"]
            assert second.pool.sessions() == []
            await first_running.__aexit__(None, None, None)  # a clean stop releases the lease at once
            first_running = None
            for _ in range(40):
                if second.pool.sessions():
                    break
                await asyncio.sleep(0.05)
            assert [s.company_id for s in second.pool.sessions()] == ["a"]
            assert (await second.react(companyId="a")).status_code == 200
    finally:
        if first_running is not None:
            await first_running.__aexit__(None, None, None)


async def test_a_crashed_owner_loses_its_lease_when_it_expires(redis_url: str, redis_prefix: str) -> None:
    timing = {"lease_ttl_s": 0.5, "lease_renew_interval_s": 0.1}
    async with shared(redis_url, redis_prefix, companies=["a"], instance_id="one", **timing) as first:
        first.app.state.service.keeper._task.cancel()  # the instance hangs: no more renewals
        async with shared(redis_url, redis_prefix, companies=["a"], instance_id="two", **timing) as second:
            assert second.pool.sessions() == []
            for _ in range(40):
                if second.pool.sessions():
                    break
                await asyncio.sleep(0.05)
            assert [s.company_id for s in second.pool.sessions()] == ["a"]


async def test_an_instance_that_lost_its_lease_stops_the_session(redis_url: str, redis_prefix: str) -> None:
    import redis.asyncio as redis

    timing = {"lease_ttl_s": 1.0, "lease_renew_interval_s": 0.1}
    async with shared(redis_url, redis_prefix, companies=["a"], instance_id="one", **timing) as first:
        client = redis.Redis.from_url(redis_url)
        await client.set(f"{redis_prefix}:lease:a", '{"instance": "intruder", "url": null}')
        await client.aclose()
        for _ in range(40):
            if not first.pool.sessions():
                break
            await asyncio.sleep(0.05)
        assert first.pool.sessions() == []
        assert (await first.react(companyId="a")).json()["error"]["owner"] == "intruder"
