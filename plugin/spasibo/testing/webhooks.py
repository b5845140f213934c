"""``WebhookReceiver``: a real HTTP server on loopback that records the webhooks it gets, for tests.

It speaks just enough HTTP/1.1 (keep-alive, ``Content-Length`` bodies) to be a fast, honest endpoint for the
service's webhook sender, and can be scripted: ``receiver.answers = [500, "hang", 200]`` answers the next
requests in that order (``"hang"`` never answers, so the sender times out), then 200; ``receiver.hold`` (an
unset ``asyncio.Event``) keeps every request waiting until it is set.

    async with WebhookReceiver(secret="s3cret") as receiver:
        ...  # point SPASIBO_WEBHOOK_URL at receiver.url
        await receiver.wait_for(3)
        assert receiver.verified_events()[0]["type"] == "message"
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

from spasibo.webhook_signature import EVENT_ID_HEADER, verify_webhook

Answer = int | Literal["hang"]
_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 408: "Request Timeout", 500: "Internal Error"}


@dataclass
class ReceivedWebhook:
    """One request as it arrived: headers (lower-case names), raw body, when, and what it was answered."""

    headers: dict[str, str]
    body: bytes
    received_at: float
    answer: Answer = 200
    answered_at: float | None = None  # None while held or hanging

    @property
    def event_id(self) -> str:
        """The ``X-Spasibo-Event-Id`` header."""
        return self.headers.get(EVENT_ID_HEADER.lower(), "")


@dataclass
class WebhookReceiver:
    """A scripted webhook endpoint on ``127.0.0.1`` and a free port (see the module docstring)."""

    secret: str = "webhook-secret"
    path: str = "/webhook"
    answers: list[Answer] = field(default_factory=list)
    hold: asyncio.Event | None = None
    received: list[ReceivedWebhook] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _arrived: asyncio.Condition | None = None
    _connections: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def url(self) -> str:
        """The URL to configure as the webhook."""
        assert self._server is not None, "start the receiver first"
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}{self.path}"

    async def __aenter__(self) -> Self:
        self._arrived = asyncio.Condition()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._server.wait_closed()

    def accepted(self) -> list[ReceivedWebhook]:
        """The requests answered 2xx."""
        return [
            r
            for r in self.received
            if r.answered_at is not None and isinstance(r.answer, int) and 200 <= r.answer < 300
        ]

    def verified_events(self) -> list[dict[str, Any]]:
        """The events of the accepted requests, each verified with the secret (raises if one is not)."""
        return [verify_webhook(self.secret, r.headers, r.body) for r in self.accepted()]

    async def wait_for(self, accepted: int, timeout_s: float = 10.0) -> None:
        """Wait until ``accepted`` requests were answered 2xx."""
        assert self._arrived is not None
        async with asyncio.timeout(timeout_s), self._arrived:
            await self._arrived.wait_for(lambda: len(self.accepted()) >= accepted)

    async def wait_for_arrivals(self, count: int, timeout_s: float = 10.0) -> None:
        """Wait until ``count`` requests arrived, answered or not (held, hanging)."""
        assert self._arrived is not None
        async with asyncio.timeout(timeout_s), self._arrived:
            await self._arrived.wait_for(lambda: len(self.received) >= count)

    async def _notify(self) -> None:
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                headers, body = request
                record = ReceivedWebhook(headers, body, time.monotonic())
                record.answer = self.answers.pop(0) if self.answers else 200
                self.received.append(record)
                await self._notify()
                if self.hold is not None:
                    await self.hold.wait()
                if record.answer == "hang":
                    await asyncio.Event().wait()  # until the sender gives up and the connection is cancelled
                    return
                reason = _REASONS.get(record.answer, "Answer")
                writer.write(f"HTTP/1.1 {record.answer} {reason}\r\ncontent-length: 0\r\n\r\n".encode())
                await writer.drain()
                record.answered_at = time.monotonic()
                await self._notify()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._connections.discard(task)
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> tuple[dict[str, str], bytes] | None:
    head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
    if not head:
        return None
    lines = head.decode("latin-1").split("\r\n")[1:]
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return headers, body
