"""Fakes for testing code around ``Spasibo``: a clock you move by hand and a transport that records.

clock = FakeClock()
transport = RecordingTransport("whatsapp")
app = Spasibo(clock=clock)
app.use_transport(transport)
clock.advance(61)
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from spasibo.errors import ReactionError
from spasibo.models import ReactionRequest, ReactionResult

FAKE_CLOCK_START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """A ``Spasibo`` clock that stands still until ``advance(seconds)`` moves it."""

    def __init__(self, start: datetime = FAKE_CLOCK_START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self.now += timedelta(seconds=seconds)


class RecordingTransport:
    """A transport that records every request; set ``error`` to make ``send`` raise it instead, and
    ``delay_s`` to make each send take that long (a slow network).
    """

    def __init__(self, name: str = "recording", *, delay_s: float = 0.0) -> None:
        self.name = name
        self.delay_s = delay_s
        self.sent: list[ReactionRequest] = []
        self.error: ReactionError | Exception | None = None
        self.closed = False

    async def send(self, request: ReactionRequest) -> ReactionResult:
        """Record ``request`` (or raise ``error``) after ``delay_s``."""
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.error is not None:
            raise self.error
        self.sent.append(request)
        return ReactionResult(
            ok=True, transport=self.name, emoji=request.emoji, message_id=request.message.message_id
        )

    async def aclose(self) -> None:
        """Remember that the app closed it."""
        self.closed = True
