"""Answer the same reaction once: records of answered requests, shared through Redis when configured.

A request's key is its ``Idempotency-Key`` header (per company) or else the message it reacts to (company,
chat, sender, message id). The first request *reserves* the key before sending, so a concurrent duplicate
waits for its answer instead of sending a second reaction; a successful answer is kept for
``idempotency_window_s`` and replayed as is. A failed send releases the key so the caller can retry.

The automatic key dedupes retries, not changes of state: a request for the same message with another body
(❤️, then ``""`` to remove it, then ❤️ again) supersedes the record and is sent. Reusing an
``Idempotency-Key`` header for another body is an error naming that header.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from spasibo.service.errors import ServiceError
from spasibo.service.redis_batches import CommandBatches
from spasibo.service.tokens import new_token

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

    async def replace_if(self, key: str, old: str, new: str, ttl_s: float) -> bool:
        """Store ``new`` under ``key`` if it still holds ``old``; True when replaced."""

    async def ping(self) -> bool:
        """True when the storage answers (always, in memory)."""

    async def aclose(self) -> None:
        """Release connections."""


class MemoryRecords:
    """``RecordStorage`` in this process (one instance only).

    Memory stays bounded: each record's expiry waits in a heap, and every new key first drops the records
    whose time has come, without looking at the others (a scan of every record, as before, cost a busy
    instance more the more records its window held). ``clock`` (monotonic seconds) is injectable for tests.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, tuple[float, str]] = {}
        self._expiries: list[tuple[float, str]] = []  # (expires at, key), one per storing of a key
        self._clock = clock

    def __len__(self) -> int:
        return len(self._data)

    def _live(self, key: str) -> str | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._data[key]
            return None
        return entry[1]

    def _store(self, key: str, value: str, ttl_s: float) -> None:
        expires = self._clock() + ttl_s
        self._data[key] = (expires, value)
        heapq.heappush(self._expiries, (expires, key))

    def _expire(self) -> None:
        now = self._clock()
        expiries = self._expiries
        while expiries and expiries[0][0] <= now:
            expires, key = heapq.heappop(expiries)
            entry = self._data.get(key)
            if entry is not None and entry[0] == expires:  # not stored again since
                del self._data[key]

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        self._expire()
        if self._live(key) is not None:
            return False
        self._store(key, value, ttl_s)
        return True

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        self._store(key, value, ttl_s)

    async def remove_if(self, key: str, value: str) -> None:
        if self._live(key) == value:
            del self._data[key]

    async def replace_if(self, key: str, old: str, new: str, ttl_s: float) -> bool:
        if self._live(key) != old:
            return False
        self._store(key, new, ttl_s)
        return True

    async def ping(self) -> bool:
        return True

    async def aclose(self) -> None:
        self._data.clear()
        self._expiries.clear()


_REMOVE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_REPLACE_IF = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) and 1 end return 0"
)


class RedisRecords:
    """``RecordStorage`` in Redis, shared by every instance using the same URL and prefix; the frequent
    commands go through ``batches`` with the other requests' (``redis_batches.py``).
    """

    def __init__(self, batches: CommandBatches) -> None:
        self._batches = batches
        self._redis = batches.redis

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        return bool(await self._batches.execute("SET", key, value, "NX", "PX", max(1, int(ttl_s * 1000))))

    async def get(self, key: str) -> str | None:
        value = await self._batches.execute("GET", key)
        return None if value is None else str(value)

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        await self._batches.execute("SET", key, value, "PX", max(1, int(ttl_s * 1000)))

    async def remove_if(self, key: str, value: str) -> None:
        await self._redis.eval(_REMOVE_IF, 1, key, value)  # type: ignore[misc]

    async def replace_if(self, key: str, old: str, new: str, ttl_s: float) -> bool:
        ttl_ms = max(1, int(ttl_s * 1000))
        return bool(await self._redis.eval(_REPLACE_IF, 1, key, old, new, ttl_ms))  # type: ignore[misc]

    async def ping(self) -> bool:
        return bool(await self._redis.ping())  # type: ignore[misc]

    async def aclose(self) -> None:
        await self._batches.aclose()


@dataclass(frozen=True)
class Claim:
    """The outcome of ``begin``: an earlier ``answer`` to replay, or ownership of the key (``token``)."""

    key: str
    token: str | None = None
    answer: StoredAnswer | None = None


@dataclass(frozen=True)
class RecordKey:
    """Where a request's record lives, and whether the caller chose it (an ``Idempotency-Key`` header)."""

    key: str
    from_header: bool


class IdempotencyRecords:
    """Reserve, complete or release request keys in ``storage`` (see the module docstring)."""

    def __init__(self, storage: RecordStorage, *, prefix: str, window_s: float, wait_s: float) -> None:
        self._storage = storage
        self._prefix = f"{prefix}:idem:"
        self.window_s = window_s
        self.wait_s = wait_s

    def key(self, company_id: str, message: list[str], header: str | None) -> RecordKey:
        """The record key: the ``Idempotency-Key`` header per company, else the reacted-to ``message`` (the
        parts that identify it: chat, sender, message id).
        """
        parts = ["header", company_id, header] if header else ["message", company_id, *message]
        return RecordKey(self._prefix + hashlib.sha256(json.dumps(parts).encode()).hexdigest(), bool(header))

    @staticmethod
    def pending_record(fingerprint: str) -> tuple[str, str]:
        """A new claim token and the record that holds a key for it while its request is in flight (stored for
        ``wait_s``); ``begin`` stores it, or ``admission.py`` together with a rate-limit slot.
        """
        token = new_token()
        return token, _pending(token, fingerprint)

    async def ping(self) -> bool:
        """True when the storage answers; raises the storage's connection error when it does not."""
        return await self._storage.ping()

    async def begin(self, record_key: RecordKey, fingerprint: str) -> Claim:
        """Own the key (send, then ``complete``/``release``), or get the answer an earlier request got.

        A request still in flight for the same key makes this one wait up to ``wait_s``; then it is answered
        409 ``in_progress``. Another body under an automatic key supersedes the answered record (a change of
        state); under an ``Idempotency-Key`` header it raises 422 ``idempotency_key_reused``.
        """
        key = record_key.key
        token, pending = self.pending_record(fingerprint)
        deadline = time.monotonic() + self.wait_s
        while True:
            if await self._storage.add(key, pending, self.wait_s):
                return Claim(key, token=token)
            raw = await self._storage.get(key)
            if raw is not None:
                record = json.loads(raw)
                same = record["fingerprint"] == fingerprint
                if not same and record_key.from_header:
                    raise ServiceError(
                        422,
                        "idempotency_key_reused",
                        "this Idempotency-Key was used for a different request",
                        field="Idempotency-Key",
                    )
                if "pending" not in record:
                    if same:
                        return Claim(key, answer=StoredAnswer(record["status"], record["body"]))
                    if await self._storage.replace_if(key, raw, pending, self.wait_s):
                        return Claim(key, token=token)
                    continue  # someone else changed it meanwhile: look again
            if time.monotonic() >= deadline:
                raise ServiceError(
                    409,
                    "in_progress",
                    "a reaction on this message is being sent by an earlier request; retry later",
                )
            await asyncio.sleep(POLL_INTERVAL_S)

    async def complete(self, claim: Claim, fingerprint: str, answer: StoredAnswer) -> None:
        """Keep ``answer`` for ``window_s`` so duplicates get it."""
        record = {"fingerprint": fingerprint, "status": answer.status, "body": answer.body}
        await self._storage.put(claim.key, json.dumps(record), self.window_s)

    async def release(self, claim: Claim, fingerprint: str) -> None:
        """Give the key up (the send failed): the next request with it sends again."""
        assert claim.token is not None
        await self._storage.remove_if(claim.key, _pending(claim.token, fingerprint))

    async def aclose(self) -> None:
        """Release the storage's connections."""
        await self._storage.aclose()


def _pending(token: str, fingerprint: str) -> str:
    # json.dumps({"pending": token, "fingerprint": fingerprint}) to the byte: both are hex digits
    return f'{{"pending": "{token}", "fingerprint": "{fingerprint}"}}'
