"""Reactions per customer per minute: a sliding window of reserved slots, in memory or in shared Redis.

A reaction *reserves* a slot before it is sent and *releases* it when the send failed or was refused, so only
reactions that went out use the customer's quota. Reserving is atomic (one Lua script in Redis, one event
loop in memory), so the limit holds exactly under concurrent requests, across instances with Redis.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from spasibo.service.redis_batches import BatchedScript, CommandBatches
from spasibo.service.tokens import new_token

WINDOW_S = 60.0

# reserve(token, now_ms, window_ms, limit): None when reserved, else the oldest slot's time (ms)
Reserve = Callable[[str, int, int, int], Awaitable[int | None]]


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


# KEYS[1] the customer's slots; ARGV now_ms, window_ms, limit, token: -1 when reserved, else the oldest
# slot's time
_RESERVE = """
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('zcard', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('zadd', KEYS[1], ARGV[1], ARGV[4])
  redis.call('pexpire', KEYS[1], ARGV[2])
  return -1
end
return tonumber(redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')[2])
"""
# the same after claiming KEYS[2] (SET NX, ARGV[5] for ARGV[6] ms), which a refused slot gives back: -2 when
# KEYS[2] is held, so nothing was reserved
_CLAIM_AND_RESERVE = (
    "if not redis.call('set', KEYS[2], ARGV[5], 'NX', 'PX', ARGV[6]) then return -2 end\n"
    f"local oldest = (function() {_RESERVE} end)()\n"
    "if oldest >= 0 then redis.call('del', KEYS[2]) end\n"
    "return oldest"
)
KEY_HELD = -2


class KeyHeldError(Exception):
    """``RedisSlots.claim_and_reserve`` found the key to claim already held: nothing was reserved."""


class RedisSlots:
    """Slots shared by every instance: a sorted set per customer under ``<prefix>:limit:``, scored in ms; the
    commands go through ``batches`` with the other requests' (``redis_batches.py``).
    """

    def __init__(self, batches: CommandBatches, prefix: str) -> None:
        self._batches = batches
        self._redis = batches.redis
        self._prefix = f"{prefix}:limit:"
        # EVALSHA: the script's text is sent once, not with every reservation
        self._reserve = BatchedScript(batches, _RESERVE)
        self._claim_and_reserve = BatchedScript(batches, _CLAIM_AND_RESERVE)

    def key(self, customer: str) -> str:
        """The sorted set holding ``customer``'s slots."""
        return self._prefix + customer

    async def reserve(self, customer: str, token: str, now_ms: int, window_ms: int, limit: int) -> int | None:
        oldest = await self._reserve([self.key(customer)], [now_ms, window_ms, limit, token])
        return None if int(oldest) < 0 else int(oldest)

    async def claim_and_reserve(
        self,
        claim: tuple[str, str, int],
        customer: str,
        token: str,
        now_ms: int,
        window_ms: int,
        limit: int,
    ) -> int | None:
        """``reserve``, after setting ``claim`` (key, value, ttl in ms) unless its key exists, in one round
        trip; a refused slot deletes the claim again. Raises ``KeyHeldError`` when the key exists.
        """
        key, value, ttl_ms = claim
        oldest = await self._claim_and_reserve(
            [self.key(customer), key], [now_ms, window_ms, limit, token, value, ttl_ms]
        )
        if int(oldest) == KEY_HELD:
            raise KeyHeldError(key)
        return None if int(oldest) < 0 else int(oldest)

    async def release(self, customer: str, token: str) -> None:
        await self._batches.execute("ZREM", self.key(customer), token)

    async def reset(self) -> None:
        async for key in self._redis.scan_iter(f"{self._prefix}*"):
            await self._redis.delete(key)

    async def aclose(self) -> None:
        await self._batches.aclose()


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
        return await self.reserve_with(functools.partial(self._storage.reserve, customer), customer)

    async def reserve_with(self, reserve: Reserve, customer: str) -> Slot:
        """``reserve`` through ``reserve`` (``SlotStorage.reserve`` without its customer, or a storage call
        that does more in the same step, such as ``admission.py``'s claim-and-reserve script).
        """
        token = new_token()
        now_ms = int(self._clock() * 1000)
        window_ms = int(WINDOW_S * 1000)
        oldest_ms = await reserve(token, now_ms, window_ms, self.per_minute)
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
