"""Without Redis, a graceful stop delivers what is queued within the deadline, then counts and logs the
rest.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from service.support import Service, running_service
from spasibo.testing.webhooks import WebhookReceiver

CUSTOMER = "79001234567@s.whatsapp.net"
EVENTS = 5


def dropped_at_shutdown(service: Service) -> float:
    registry = service.app.state.service.metrics.registry
    return registry.get_sample_value("spasibo_events_dropped_total", {"reason": "shutdown"}) or 0.0


async def queue_messages(service: Service) -> None:
    client = service.factory.latest["default"]
    for n in range(EVENTS):
        await client.incoming_text("спасибо", chat=CUSTOMER, message_id=f"3A{n:04d}")


def settings(receiver: WebhookReceiver, deadline_s: float) -> dict[str, object]:
    return {
        "webhook_url": receiver.url,
        "webhook_secret": receiver.secret,
        "webhook_concurrency": 1,
        "shutdown_deadline_s": deadline_s,
    }


async def test_events_queued_at_shutdown_are_delivered_within_the_deadline() -> None:
    async with WebhookReceiver(hold=asyncio.Event()) as receiver:
        async with running_service(**settings(receiver, deadline_s=10)) as service:
            await queue_messages(service)
            await receiver.wait_for_arrivals(1)  # one in flight, the rest queued behind it
            assert receiver.hold is not None
            asyncio.get_running_loop().call_later(0.2, receiver.hold.set)  # the bot answers during shutdown
        assert len(receiver.accepted()) == EVENTS
        assert [e["messageId"] for e in receiver.verified_events()] == [f"3A{n:04d}" for n in range(EVENTS)]
        assert dropped_at_shutdown(service) == 0


async def test_events_left_at_the_deadline_are_counted_as_dropped_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="spasibo.service.outbox")
    async with WebhookReceiver(hold=asyncio.Event()) as receiver:  # the bot never answers
        async with running_service(**settings(receiver, deadline_s=0.3)) as service:
            await queue_messages(service)
            await receiver.wait_for_arrivals(1)
        assert receiver.accepted() == []
        assert dropped_at_shutdown(service) == EVENTS
    assert f"{EVENTS} events not confirmed delivered within the shutdown deadline of 0.3 s" in caplog.text
