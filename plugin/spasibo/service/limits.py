"""Reactions per customer per minute, counted with the ``limits`` library in memory or in shared Redis."""

from __future__ import annotations

import time
from typing import Any

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter


def limits_storage(redis_url: str | None, key_prefix: str) -> Storage:
    """In-memory storage for one instance, or Redis storage (``async+redis://``) shared by several."""
    if redis_url is None:
        return MemoryStorage()
    return RedisStorage(f"async+{redis_url}", implementation="redispy", key_prefix=f"{key_prefix}:limits")


class PhoneRateLimiter:
    """At most ``per_minute`` reactions to one customer in any sliding minute (a moving window).

    A customer is their phone, or the sender address of a group message when no phone is known
    (``customer_of`` in ``reactions.py`` decides). ``hit(customer)`` counts one reaction and returns ``None``
    when allowed, or the seconds to wait when the customer is over the limit (that attempt is not counted).
    """

    def __init__(self, storage: Storage, per_minute: int) -> None:
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self.per_minute = per_minute
        self._item = RateLimitItemPerMinute(per_minute)

    async def hit(self, customer: str) -> float | None:
        """Count a reaction to ``customer``; ``None`` if allowed, else seconds until the next one is."""
        # one namespace for phones and sender addresses: an address has an "@", a phone never does
        if await self._limiter.hit(self._item, "phone", customer):
            return None
        stats = await self._limiter.get_window_stats(self._item, "phone", customer)
        return max(0.0, stats.reset_time - time.time())

    async def reset(self) -> None:
        """Forget every count (tests and operators)."""
        await self._storage.reset()

    async def aclose(self) -> None:
        """Release the storage's connections (nothing to do for memory storage)."""
        if isinstance(self._storage, RedisStorage):
            client: Any = getattr(self._storage.bridge, "storage", None)  # redis-py's client
            if client is not None:
                await client.aclose()
