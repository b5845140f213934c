"""How long one ``await app.feed(message)`` takes, and how much of it is the plugin pipeline around detection.

Prints microseconds per message for: the detector alone, ``app.verdict`` (detection through the hooks) and
``app.feed`` (hooks, rules, dedupe, a no-op transport, observers).
Run: ``.venv/bin/python benchmarks/feed_overhead.py``.
"""

from __future__ import annotations

import asyncio
import os
import time

from spasibo.app import Spasibo
from spasibo.detection import GratitudeDetector
from spasibo.models import IncomingMessage
from spasibo.testing.app import RecordingTransport

MESSAGES = 20_000
TEXTS = [
    "Спасибо большое!",
    "спасибо за испорченный вечер",
    "спс, а можно на 15:00?",
    "Я на Спасской улице",
    "🙏",
]


def per_message_us(seconds: float) -> str:
    return f"{seconds / MESSAGES * 1e6:8.1f} µs/message"


async def main() -> None:
    os.environ["SPASIBO_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    app = Spasibo()
    app.use_transport(RecordingTransport("console"))
    texts = [TEXTS[i % len(TEXTS)] for i in range(MESSAGES)]
    messages = [
        IncomingMessage(chat=f"chat-{i % 500}", message_id=str(i), text=t) for i, t in enumerate(texts)
    ]
    detector = GratitudeDetector(app.packs)

    start = time.perf_counter()
    for text in texts:
        detector.detect(text)
    detect_s = time.perf_counter() - start

    start = time.perf_counter()
    for text in texts:
        app.verdict(text)
    verdict_s = time.perf_counter() - start

    start = time.perf_counter()
    for message in messages:
        await app.feed(message)
    feed_s = time.perf_counter() - start

    print(f"detector.detect  {per_message_us(detect_s)}")
    print(f"app.verdict      {per_message_us(verdict_s)}  (detection through the hooks)")
    print(f"app.feed         {per_message_us(feed_s)}  (hooks, rules, dedupe, no-op transport, observers)")
    print(f"pipeline overhead over detection: {(feed_s - detect_s) / MESSAGES * 1e6:.1f} µs/message")


if __name__ == "__main__":
    asyncio.run(main())
