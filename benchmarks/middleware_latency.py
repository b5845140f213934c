"""How long the host's own handler waits because spasibo's Telegram middleware runs first (slow transport).

The middleware hands the host the verdict and ``reply_needed`` and sends the reaction in the background, so
the delay should be the detector's cost, not the send's. For contrast it also measures the old way (awaiting
``app.feed`` with the send) on the same slow transport. Real aiogram ``Message`` objects, the real
``SpasiboMiddleware``, the real detector; the transport sleeps ``SEND_S`` per reaction (a slow network or a
flood wait). Run: ``.venv/bin/python benchmarks/middleware_latency.py``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from aiogram.types import Chat, Message, User

from spasibo.app import Spasibo
from spasibo.telegram.messages import incoming_message
from spasibo.telegram.middleware import SpasiboMiddleware
from spasibo.testing.app import RecordingTransport

SEND_S = 0.2  # each reaction takes this long to go out
BACKGROUND_MESSAGES = 2_000
AWAITED_MESSAGES = 25  # each costs SEND_S of wall time
TEXTS = ["Спасибо большое!", "спс, а можно на 15:00?", "Где мой заказ?", "спасибо за испорченный вечер", "🙏"]


def telegram_message(number: int) -> Message:
    return Message(
        message_id=number,
        date=datetime.now(UTC),
        chat=Chat(id=1000 + number % 300, type="private"),
        from_user=User(id=1000 + number % 300, is_bot=False, first_name="Anna"),
        text=TEXTS[number % len(TEXTS)],
    )


def figures(name: str, delays_s: list[float]) -> str:
    ordered = sorted(delays_s)
    p50 = statistics.median(ordered) * 1e6
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1e6
    return f"{name:<44} p50 {p50:9.1f} µs   p99 {p99:9.1f} µs   max {ordered[-1] * 1e6:9.1f} µs"


async def handler_delays(app: Spasibo, count: int, *, through_middleware: bool) -> list[float]:
    """Seconds from an update's arrival to the start of the host's handler, per message."""
    middleware = SpasiboMiddleware(app)
    started: list[float] = []

    async def host_handler(event: Any, data: dict[str, Any]) -> None:
        started.append(time.perf_counter())

    delays = []
    for number in range(count):
        event = telegram_message(number)
        arrived = time.perf_counter()
        if through_middleware:
            await middleware(host_handler, event, {})
        else:  # the old middleware: await feed (and so the send) before the host's handler
            await app.feed(incoming_message(event))
            await host_handler(event, {})
        delays.append(started[-1] - arrived)
    return delays


def slow_app() -> Spasibo:
    """The default app, detector warmed up, with a ``telegram`` transport taking ``SEND_S`` per reaction."""
    app = Spasibo()
    app.use_transport(RecordingTransport("telegram", delay_s=SEND_S))
    app.verdict("warm up the detector")
    return app


async def main() -> None:
    os.environ["SPASIBO_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    app = slow_app()

    detect_s = []
    for number in range(BACKGROUND_MESSAGES):
        text = TEXTS[number % len(TEXTS)]
        start = time.perf_counter()
        app.verdict(text)
        detect_s.append(time.perf_counter() - start)

    background = await handler_delays(app, BACKGROUND_MESSAGES, through_middleware=True)
    drain_start = time.perf_counter()
    await app.drain()
    drained_s = time.perf_counter() - drain_start

    awaited = await handler_delays(slow_app(), AWAITED_MESSAGES, through_middleware=False)

    print(f"transport send time: {SEND_S * 1000:.0f} ms per reaction")
    print(figures("detection alone (app.verdict)", detect_s))
    print(figures(f"middleware, send in background ({BACKGROUND_MESSAGES} msgs)", background))
    print(figures(f"awaiting feed with the send ({AWAITED_MESSAGES} msgs)", awaited))
    print(f"background sends drained by app.drain() in {drained_s * 1000:.0f} ms")
    await app.aclose()


if __name__ == "__main__":
    asyncio.run(main())
