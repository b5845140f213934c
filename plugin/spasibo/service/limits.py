"""Reactions per customer per minute: a sliding window of reserved slots, in memory or in shared Redis.

A reaction *reserves* a slot before it is sent and *releases* it when the send failed or was refused, so only
reactions that went out use the customer's quota. Reserving is atomic (one Lua script in Redis, one event
loop in memory), so the limit holds exactly under concurrent requests, across instances with Redis.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class Slot:
    """The outcome of a reservation: ``granted``, or refused with ``wait_s`` until a slot frees up."""

    customer: str
    token: str
    granted: bool
    wait_s: float = 0.0


class SlotStorage(Protocol):
    """Where reserved slots live."""

    async def reserve(self, customer: str, token: str, now_ms: int, window_ms: int, limit: int) -> int | None:
        """Add ``token`` when fewer than ``limit`` slots are younger than ``window_ms``; None when added, else
        the reservation time (ms) of the oldest slot in the window.
        """

    async def release(self, customer: str, token: str) -> None:
        """Forget ``token`` (no-op when it is gone)."""

    async def reset(self) -> None:
        """Forget every slot."""

    async def aclose(self) -> None:
        """Release connections."""


class MemorySlots:
    """One instance's slots; customers silent for a whole window are swept out so memory stays bounded."""

    def __init__(self) -> None:
        self._slots: dict[str, dict[str, int]] = {}
        self._swept_at_ms = 0

    async def reserve(self, customer: str, token: str, now_ms: int, window_ms: int, limit: int) -> int | None:
        if now_ms - self._swept_at_ms >= window_ms:
            self._sweep(now_ms - window_ms)
            self._swept_at_ms = now_ms
        slots = self._slots.setdefault(customer, {})
        for old in [t for t, at_ms in slots.items() if at_ms <= now_ms - window_ms]:
            del slots[old]
        if len(slots) >= limit:
            return min(slots.values())
        slots[token] = now_ms
        return None

    async def release(self, customer: str, token: str) -> None:
        slots = self._slots.get(customer)
        if slots is not None:
            slots.pop(token, None)

    async def reset(self) -> None:
        self._slots.clear()

    async def aclose(self) -> None:
        return None

    def __len__(self) -> int:
        return len(self._slots)

    def _sweep(self, cutoff_ms: int) -> None:
        for customer in list(self._slots):
            slots = self._slots[customer]
            if all(at_ms <= cutoff_ms for at_ms in slots.values()):
                del self._slots[customer]


_RESERVE = """
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('zcard', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('zadd', KEYS[1], ARGV[1], ARGV[4])
  redis.call('pexpire', KEYS[1], ARGV[2])
  return -1
end
return tonumber(redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')[2])
"""


class RedisSlots:
    """Slots shared by every instance: a sorted set per customer under ``<prefix>:limit:``, scored in ms."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:limit:"

    async def reserve(self, customer: str, token: str, now_ms: int, window_ms: int, limit: int) -> int | None:
        key = self._prefix + customer
        oldest = await self._redis.eval(_RESERVE, 1, key, now_ms, window_ms, limit, token)  # type: ignore[misc]
        return None if int(oldest) < 0 else int(oldest)

    async def release(self, customer: str, token: str) -> None:
        await self._redis.zrem(self._prefix + customer, token)

    async def reset(self) -> None:
        async for key in self._redis.scan_iter(f"{self._prefix}*"):
            await self._redis.delete(key)

    async def aclose(self) -> None:
        await self._redis.aclose()


class CustomerRateLimiter:
    """At most ``per_minute`` reactions to one customer in any sliding minute.

    The caller names the customer (``reactions.py``: the company and the person a reaction reaches).
    ``reserve`` takes a slot (or says how long to wait), ``release`` gives it back after a failed send.
    ``clock`` (wall time in seconds, shared by instances) is injectable for tests.
    """

    def __init__(
        self, storage: SlotStorage, per_minute: int, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._storage = storage
        self.per_minute = per_minute
        self._clock = clock

    async def reserve(self, customer: str) -> Slot:
        """Take one of ``customer``'s slots; refused (not counted) when they are all taken."""
        token = uuid.uuid4().hex
        now_ms = int(self._clock() * 1000)
        window_ms = int(WINDOW_S * 1000)
        oldest_ms = await self._storage.reserve(customer, token, now_ms, window_ms, self.per_minute)
        if oldest_ms is None:
            return Slot(customer, token, granted=True)
        return Slot(customer, token, granted=False, wait_s=max(0.0, (oldest_ms + window_ms - now_ms) / 1000))

    async def release(self, slot: Slot) -> None:
        """Give a granted slot back: its reaction did not go out."""
        if slot.granted:
            await self._storage.release(slot.customer, slot.token)

    async def reset(self) -> None:
        """Forget every count (tests and operators)."""
        await self._storage.reset()

    async def aclose(self) -> None:
        """Release the storage's connections."""
        await self._storage.aclose()
