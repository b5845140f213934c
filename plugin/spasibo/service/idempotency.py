"""Answer the same reaction once: records of answered requests, shared through Redis when configured.

A request's key is its ``Idempotency-Key`` header (per company) or else (company, message id, emoji). The
first request *reserves* the key before sending, so a concurrent duplicate waits for its answer instead of
sending a second reaction; a successful answer is kept for ``idempotency_window_s`` and replayed as is. A
failed send releases the key so the caller can retry. Reusing an ``Idempotency-Key`` for another body is an
error.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from spasibo.service.errors import ServiceError
from spasibo.service.shared_redis import DEFAULT_REDIS_TIMEOUT_S, connect_redis

EXPIRE_EVERY_ADDS = 1024
POLL_INTERVAL_S = 0.02  # how often a duplicate looks whether the first request has finished


@dataclass(frozen=True)
class StoredAnswer:
    """An answer given to a request, replayed to its duplicates."""

    status: int
    body: dict[str, Any]


class RecordStorage(Protocol):
    """The four operations the records need; in memory or in Redis."""

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        """Store ``value`` unless ``key`` exists; True when stored."""

    async def get(self, key: str) -> str | None:
        """The value of ``key``, or None."""

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        """Store ``value`` under ``key``, replacing it."""

    async def remove_if(self, key: str, value: str) -> None:
        """Delete ``key`` if it still holds ``value``."""

    async def aclose(self) -> None:
        """Release connections."""


class MemoryRecords:
    """``RecordStorage`` in this process (one instance only)."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, str]] = {}
        self._adds = 0

    def _live(self, key: str) -> str | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._data[key]
            return None
        return entry[1]

    def _expire(self) -> None:
        # bounded memory: expired records are dropped every EXPIRE_EVERY_ADDS new keys
        now = time.monotonic()
        for key in [k for k, (expires, _) in self._data.items() if expires <= now]:
            del self._data[key]

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        if self._live(key) is not None:
            return False
        self._adds += 1
        if self._adds % EXPIRE_EVERY_ADDS == 0:
            self._expire()
        self._data[key] = (time.monotonic() + ttl_s, value)
        return True

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        self._data[key] = (time.monotonic() + ttl_s, value)

    async def remove_if(self, key: str, value: str) -> None:
        if self._live(key) == value:
            del self._data[key]

    async def aclose(self) -> None:
        self._data.clear()


_REMOVE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisRecords:
    """``RecordStorage`` in Redis, shared by every instance using the same URL and prefix."""

    def __init__(self, redis_url: str, *, timeout_s: float = DEFAULT_REDIS_TIMEOUT_S) -> None:
        self._redis = connect_redis(redis_url, timeout_s)

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        return bool(await self._redis.set(key, value, nx=True, px=max(1, int(ttl_s * 1000))))

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(key)
        return None if value is None else str(value)

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        await self._redis.set(key, value, px=max(1, int(ttl_s * 1000)))

    async def remove_if(self, key: str, value: str) -> None:
        await self._redis.eval(_REMOVE_IF, 1, key, value)  # type: ignore[misc]

    async def aclose(self) -> None:
        await self._redis.aclose()


@dataclass(frozen=True)
class Claim:
    """The outcome of ``begin``: an earlier ``answer`` to replay, or ownership of the key (``token``)."""

    key: str
    token: str | None = None
    answer: StoredAnswer | None = None


class IdempotencyRecords:
    """Reserve, complete or release request keys in ``storage`` (see the module docstring)."""

    def __init__(self, storage: RecordStorage, *, prefix: str, window_s: float, wait_s: float) -> None:
        self._storage = storage
        self._prefix = f"{prefix}:idem:"
        self.window_s = window_s
        self.wait_s = wait_s

    def key(self, company_id: str, message_id: str, emoji: str, header: str | None) -> str:
        """The record key: the ``Idempotency-Key`` header per company, else (company, message id, emoji)."""
        parts = ["header", company_id, header] if header else ["reaction", company_id, message_id, emoji]
        return self._prefix + hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    async def begin(self, key: str, fingerprint: str) -> Claim:
        """Own ``key`` (send, then ``complete``/``release``), or get the answer an earlier request got.

        A duplicate of a request still in flight waits up to ``wait_s`` for it; then it is answered 409
        ``in_progress``. Raises 422 ``idempotency_key_reused`` when the key was used for another body.
        """
        token = uuid.uuid4().hex
        pending = json.dumps({"pending": token, "fingerprint": fingerprint})
        deadline = time.monotonic() + self.wait_s
        while True:
            if await self._storage.add(key, pending, self.wait_s):
                return Claim(key, token=token)
            raw = await self._storage.get(key)
            if raw is not None:
                record = json.loads(raw)
                if record["fingerprint"] != fingerprint:
                    raise ServiceError(
                        422,
                        "idempotency_key_reused",
                        "this Idempotency-Key was used for a different request",
                        field="Idempotency-Key",
                    )
                if "pending" not in record:
                    return Claim(key, answer=StoredAnswer(record["status"], record["body"]))
            if time.monotonic() >= deadline:
                raise ServiceError(
                    409, "in_progress", "the same reaction is being sent by an earlier request; retry later"
                )
            await asyncio.sleep(POLL_INTERVAL_S)

    async def complete(self, claim: Claim, fingerprint: str, answer: StoredAnswer) -> None:
        """Keep ``answer`` for ``window_s`` so duplicates get it."""
        record = {"fingerprint": fingerprint, "status": answer.status, "body": answer.body}
        await self._storage.put(claim.key, json.dumps(record), self.window_s)

    async def release(self, claim: Claim, fingerprint: str) -> None:
        """Give the key up (the send failed): the next request with it sends again."""
        assert claim.token is not None
        pending = json.dumps({"pending": claim.token, "fingerprint": fingerprint})
        await self._storage.remove_if(claim.key, pending)

    async def aclose(self) -> None:
        """Release the storage's connections."""
        await self._storage.aclose()
