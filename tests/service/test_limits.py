"""The sliding-window limiter: exact under concurrency, released slots free again, in memory and in Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from spasibo.service.limits import CustomerRateLimiter, MemorySlots, RedisSlots, SlotStorage
from spasibo.service.redis_batches import CommandBatches
from spasibo.service.shared_redis import connect_redis


class Clock:
    def __init__(self) -> None:
        self.now_s = 1_000_000.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def slots(request) -> AsyncIterator[SlotStorage]:
    if request.param == "memory":
        yield MemorySlots()
        return
    redis_url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")
    storage = RedisSlots(CommandBatches(connect_redis(redis_url, 1.0)), prefix)
    yield storage
    await storage.reset()
    await storage.aclose()


async def test_exactly_the_limit_is_granted_to_concurrent_reservations(slots: SlotStorage) -> None:
    limiter = CustomerRateLimiter(slots, 10)
    outcomes = await asyncio.gather(*(limiter.reserve("acme:79001234567") for _ in range(100)))
    assert sum(slot.granted for slot in outcomes) == 10


async def test_a_released_slot_is_free_again(slots: SlotStorage) -> None:
    limiter = CustomerRateLimiter(slots, 1)
    first = await limiter.reserve("acme:79001234567")
    await limiter.release(first)
    assert (await limiter.reserve("acme:79001234567")).granted


async def test_a_refusal_says_when_the_oldest_slot_frees_up(slots: SlotStorage) -> None:
    clock = Clock()
    limiter = CustomerRateLimiter(slots, 1, clock=clock)
    await limiter.reserve("acme:79001234567")
    clock.now_s += 20
    refused = await limiter.reserve("acme:79001234567")
    assert not refused.granted
    assert refused.wait_s == pytest.approx(40.0)
    clock.now_s += 40
    assert (await limiter.reserve("acme:79001234567")).granted


async def test_customers_silent_for_a_minute_are_forgotten_in_memory() -> None:
    clock, slots = Clock(), MemorySlots()
    limiter = CustomerRateLimiter(slots, 5, clock=clock)
    for n in range(1000):
        await limiter.reserve(f"acme:{n}")
    clock.now_s += 61
    await limiter.reserve("acme:new")
    assert len(slots) == 1
