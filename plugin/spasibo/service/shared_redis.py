"""One way to reach the shared Redis: every call bounded in time, so a stalled Redis never stalls a request.

Without a socket timeout a paused Redis held requests (and the lease keeper) for as long as it was paused;
now each call gives up after ``timeout_s`` (the answer is 503 ``shared_state_unavailable``) and is tried again
once on a fresh connection, which covers a Redis that restarted under an idle connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.asyncio import Redis

RETRIES = 1
DEFAULT_REDIS_TIMEOUT_S = 1.0


def connect_redis(redis_url: str, timeout_s: float) -> Redis:
    """A client for ``redis_url`` (strings decoded) whose connects and calls time out after ``timeout_s``."""
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Redis.from_url(
        redis_url,
        decode_responses=True,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), RETRIES),
    )
