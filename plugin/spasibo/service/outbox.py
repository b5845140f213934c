"""The in-memory outbox (one instance, no Redis): a bounded queue of events and webhook workers.

Publishing never waits: when the queue is full the event is dropped and counted
(``spasibo_events_dropped{reason="queue_full"}``), so a slow or absent bot can never hold up the WhatsApp
sessions. A graceful stop keeps delivering what is queued until the shutdown deadline; what is still queued or
being retried then is dropped, counted (``reason="shutdown"``) and logged. With Redis, ``streams.RedisOutbox``
keeps such events for the next instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Protocol

from spasibo.service.events import GatewayEvent
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.webhooks import DeadLetter, WebhookSender

log = logging.getLogger(__name__)


class Outbox(Protocol):
    """Where inbound events go; ``start``/``stop`` run the delivery workers."""

    async def publish(self, event: GatewayEvent) -> None:
        """Queue ``event`` for delivery; never blocks on the bot."""

    async def dead_letters(self, limit: int) -> list[DeadLetter]:
        """The latest ``limit`` events given up on, newest first."""

    async def start(self) -> None:
        """Start delivering."""

    async def stop(self, deadline_s: float) -> None:
        """Stop delivering, giving events in hand up to ``deadline_s`` to finish."""


class MemoryOutbox:
    """``Outbox`` in this process: ``queue_size`` events at most, ``concurrency`` webhook workers.

    Without a ``sender`` (no webhook configured) events are counted and not kept: nobody could read them.
    """

    def __init__(
        self,
        sender: WebhookSender | None,
        metrics: ServiceMetrics,
        *,
        queue_size: int,
        concurrency: int,
        dead_letters_max: int,
    ) -> None:
        self._sender = sender
        self._metrics = metrics
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=queue_size)
        self._concurrency = concurrency
        self._dead: deque[DeadLetter] = deque(maxlen=dead_letters_max)
        self._workers: list[asyncio.Task[None]] = []
        self._in_hand = 0  # events the workers took off the queue and have not finished with

    async def publish(self, event: GatewayEvent) -> None:
        self._metrics.events_published.labels(event.type).inc()
        if self._sender is None:
            return
        try:
            self._queue.put_nowait(event.model_dump_json())
        except asyncio.QueueFull:
            self._metrics.events_dropped.labels("queue_full").inc()
            log.warning(
                "event %s dropped: the in-memory queue holds %d events", event.id, self._queue.maxsize
            )

    async def dead_letters(self, limit: int) -> list[DeadLetter]:
        return list(self._dead)[:limit]

    async def start(self) -> None:
        if self._sender is None or self._workers:
            return
        self._workers = [
            asyncio.create_task(self._work(), name=f"spasibo-webhook-{n}") for n in range(self._concurrency)
        ]

    async def stop(self, deadline_s: float) -> None:
        """Deliver what is queued within ``deadline_s``; then drop, count and log what is left."""
        if self._workers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), deadline_s)
            undelivered = self._queue.qsize() + self._in_hand
            for worker in self._workers:
                worker.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
            self._workers = []
            while not self._queue.empty():
                self._queue.get_nowait()
                self._queue.task_done()
            if undelivered:
                self._metrics.events_dropped.labels("shutdown").inc(undelivered)
                log.warning(
                    "%d events not confirmed delivered within the shutdown deadline of %g s were dropped "
                    "(without Redis nothing keeps them)",
                    undelivered,
                    deadline_s,
                )
        if self._sender is not None:
            await self._sender.aclose()

    async def _work(self) -> None:
        assert self._sender is not None
        while True:
            body = await self._queue.get()
            self._in_hand += 1
            try:
                dead = await self._sender.deliver(body)
                if dead is not None:
                    self._dead.appendleft(dead)
            except Exception:  # a bug in delivery must not stop the worker
                log.exception("delivering an event failed unexpectedly")
            finally:
                self._in_hand -= 1
                self._queue.task_done()
