"""The Redis outbox: inbound events in a Redis Stream, delivered by a consumer group shared by all instances.

``publish`` appends the event to ``<prefix>:events`` (``XADD``, trimmed to about ``stream_max_len``). Every
instance with a webhook reads new entries as one consumer of the group ``webhooks`` and acknowledges an entry
only once the webhook accepted it or it was dead-lettered (``<prefix>:events:dead``). An entry whose consumer
died stays pending; any live instance claims it after ``claim_idle_s`` (``XAUTOCLAIM``) and delivers it, so a
restart or another instance finishes the deliveries. While retrying, a consumer renews its claim before each
wait (the wait is shorter than ``claim_idle_s``), so nobody steals an entry that is still being worked on.
Round trips are batched: a consumer reads once at least half its delivery slots are free, and acknowledges
the entries finished meanwhile with one ``XACK``.

A bot may also read the stream itself (``XREAD``/``XREADGROUP`` with a group of its own): each entry has one
field, ``event``, the event's JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from spasibo.service.events import GatewayEvent
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.shared_redis import DEFAULT_REDIS_TIMEOUT_S, connect_redis
from spasibo.service.webhooks import DeadLetter, WebhookSender

_Entries = list[tuple[str, dict[str, Any] | None]]  # a stream's entries: (id, fields or None if trimmed)
log = logging.getLogger(__name__)

GROUP = "webhooks"
READ_BLOCK_MS = 500  # a stopping reader notices within this; cancelling a blocked read can hang redis-py
PUBLISH_TIMEOUT_S = 2.0
READ_BATCH_WAIT_S = 0.01  # how long a reader with free slots waits for more to free up before it reads


class RedisOutbox:
    """``Outbox`` on a Redis Stream (see the module docstring); ``consumer`` names this instance."""

    def __init__(
        self,
        redis_url: str,
        *,
        prefix: str,
        consumer: str,
        sender: WebhookSender | None,
        metrics: ServiceMetrics,
        concurrency: int,
        claim_idle_s: float,
        stream_max_len: int,
        dead_letters_max: int,
    ) -> None:
        # a blocking read waits READ_BLOCK_MS on the server before it answers: the call timeout covers both
        self._redis: Redis = connect_redis(redis_url, READ_BLOCK_MS / 1000 + DEFAULT_REDIS_TIMEOUT_S)
        self.stream = f"{prefix}:events"
        self._dead_key = f"{prefix}:events:dead"
        self._consumer = consumer
        self._sender = sender
        self._metrics = metrics
        self._concurrency = concurrency
        self._claim_idle_ms = int(claim_idle_s * 1000)
        self._stream_max_len = stream_max_len
        self._dead_letters_max = dead_letters_max
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._acks: list[str] = []  # delivered (or dead-lettered) entries not acknowledged yet
        self._acking: asyncio.Task[None] | None = None
        self._loops: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    async def publish(self, event: GatewayEvent) -> None:
        self._metrics.events_published.labels(event.type).inc()
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_S):
                await self._redis.xadd(
                    self.stream,
                    {"event": event.model_dump_json()},
                    maxlen=self._stream_max_len,
                    approximate=True,
                )
        except (RedisError, TimeoutError) as error:
            self._metrics.events_dropped.labels("redis_unreachable").inc()
            log.warning("event %s not queued: Redis unreachable (%s)", event.id, error)

    async def dead_letters(self, limit: int) -> list[DeadLetter]:
        raw = await self._redis.lrange(self._dead_key, 0, max(0, limit - 1))  # type: ignore[misc]
        return [DeadLetter.model_validate_json(item) for item in raw]

    async def start(self) -> None:
        if self._sender is None or self._loops:
            return
        with contextlib.suppress(ResponseError):  # BUSYGROUP: another instance created it
            await self._redis.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        self._loops = [
            asyncio.create_task(self._read_new(), name="spasibo-events-reader"),
            asyncio.create_task(self._claim_abandoned(), name="spasibo-events-claimer"),
        ]

    async def stop(self, deadline_s: float) -> None:
        self._stopping.set()
        if self._loops:
            _, stuck = await asyncio.wait(self._loops, timeout=READ_BLOCK_MS / 1000 + 2)
            for loop in stuck:
                loop.cancel()
            await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops = []
        if self._in_flight:
            # unfinished entries stay pending in Redis: another instance (or the next start) claims them
            _, unfinished = await asyncio.wait(list(self._in_flight.values()), timeout=deadline_s)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        if self._acking is not None:
            await self._acking
        if self._sender is not None:
            await self._sender.aclose()
        await self._redis.aclose()

    # ------------------------------------------------------------------ consuming

    def _free_slots(self) -> int:
        return self._concurrency - len(self._in_flight)

    async def _wait_for_slots(self) -> None:
        while self._free_slots() <= 0:
            await asyncio.wait(list(self._in_flight.values()), return_when=asyncio.FIRST_COMPLETED)
        # a moment for more deliveries to end (up to half the slots), so that one read fetches a batch instead
        # of one entry a round trip each time a delivery ends; never long, as some may be waiting to retry
        deadline = asyncio.get_running_loop().time() + READ_BATCH_WAIT_S
        while self._free_slots() < self._concurrency // 2:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            await asyncio.wait(
                list(self._in_flight.values()), timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )

    async def _read_new(self) -> None:
        while not self._stopping.is_set():
            await self._wait_for_slots()
            try:
                answer = await self._redis.xreadgroup(
                    GROUP, self._consumer, {self.stream: ">"}, count=self._free_slots(), block=READ_BLOCK_MS
                )
            except RedisError as error:
                log.warning("reading events from Redis failed: %s; retrying", error)
                await asyncio.sleep(1.0)
                continue
            # redis-py's annotation of this answer differs between releases; its shape (RESP2) does not
            for _stream, entries in cast(list[tuple[str, _Entries]], answer or []):
                self._take(entries)

    async def _claim_abandoned(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._claim_idle_ms / 2000)
                return
            await self._wait_for_slots()
            try:
                answer = await self._redis.xautoclaim(
                    self.stream,
                    GROUP,
                    self._consumer,
                    min_idle_time=self._claim_idle_ms,
                    start_id="0-0",
                    count=self._free_slots(),
                )
            except RedisError as error:
                log.warning("claiming abandoned events failed: %s; retrying", error)
                continue
            claimed = answer[1]
            if claimed:
                log.info("claimed %d events abandoned by another consumer", len(claimed))
            self._take(claimed)

    def _take(self, entries: _Entries) -> None:
        for entry_id, fields in entries:
            if entry_id in self._in_flight:
                continue
            if not fields or "event" not in fields:  # trimmed away or foreign: nothing to deliver
                self._ack(entry_id)
                continue
            task = asyncio.create_task(self._handle(entry_id, fields["event"]))
            self._in_flight[entry_id] = task
            task.add_done_callback(functools.partial(self._done, entry_id))

    def _done(self, entry_id: str, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(entry_id, None)

    async def _handle(self, entry_id: str, body: str) -> None:
        assert self._sender is not None

        async def keep_claim() -> None:
            with contextlib.suppress(RedisError):
                await self._redis.xclaim(self.stream, GROUP, self._consumer, 0, [entry_id], justid=True)

        try:
            dead = await self._sender.deliver(body, before_retry=keep_claim)
            if dead is not None:
                await self._redis.lpush(self._dead_key, dead.model_dump_json())  # type: ignore[misc]
                await self._redis.ltrim(self._dead_key, 0, self._dead_letters_max - 1)  # type: ignore[misc]
            self._ack(entry_id)
        except RedisError as error:  # not acknowledged: it stays pending and is claimed again later
            log.warning("event entry %s: Redis failed after delivery: %s", entry_id, error)
        except Exception:
            log.exception("delivering event entry %s failed unexpectedly", entry_id)

    def _ack(self, entry_id: str) -> None:
        """Acknowledge ``entry_id`` with the others finished meanwhile: one ``XACK`` for all of them."""
        self._acks.append(entry_id)
        if self._acking is None or self._acking.done():
            self._acking = asyncio.create_task(self._flush_acks(), name="spasibo-events-acks")

    async def _flush_acks(self) -> None:
        while self._acks:
            entry_ids, self._acks = self._acks, []
            try:
                await self._redis.xack(self.stream, GROUP, *entry_ids)
            except RedisError as error:  # they stay pending and are claimed (and delivered) again later
                log.warning("acknowledging %d event entries failed: %s", len(entry_ids), error)
