"""With Redis, inbound events go through a Redis Stream: shared by instances, finished by a survivor."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import redis

from service.support import API_KEY, running_service, start_serve, stop_serve
from spasibo.testing.webhooks import WebhookReceiver

pytestmark = pytest.mark.redis

CUSTOMER = "79001234567@s.whatsapp.net"
# retries short enough that a claim (claim_idle_s) can be short too, so the takeover happens within the test
QUICK = {"webhook_backoff_base_s": 0.05, "webhook_backoff_max_s": 0.2, "webhook_timeout_s": 1.0}
CLAIM_IDLE_S = 2.0


def stream_settings(redis_url: str, prefix: str, receiver: WebhookReceiver, **overrides):
    return {
        "redis_url": redis_url,
        "redis_key_prefix": prefix,
        "webhook_url": receiver.url,
        "webhook_secret": receiver.secret,
        "events_claim_idle_s": CLAIM_IDLE_S,
        **QUICK,
        **overrides,
    }


async def test_an_event_is_in_the_stream_for_bots_and_delivered_by_webhook(redis_url, redis_prefix) -> None:
    async with (
        WebhookReceiver() as receiver,
        running_service(**stream_settings(redis_url, redis_prefix, receiver)) as service,
    ):
        await service.factory.latest["default"].incoming_text("спасибо", chat=CUSTOMER, message_id="S1")
        await receiver.wait_for(1)
    [delivered] = receiver.verified_events()
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    [(_, fields)] = client.xrange(f"{redis_prefix}:events")
    client.close()
    assert json.loads(fields["event"])["id"] == delivered["id"]
    assert delivered["text"] == "спасибо"


async def test_dead_letters_are_shared_through_redis(redis_url, redis_prefix) -> None:
    async with WebhookReceiver(answers=[500, 500]) as receiver:
        settings = stream_settings(redis_url, redis_prefix, receiver, webhook_max_attempts=2)
        async with running_service(**settings, instance_id="one") as first:
            await first.factory.latest["default"].incoming_text("hi", chat=CUSTOMER, message_id="D1")
            for _ in range(300):
                if len(receiver.received) == 2:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
        async with running_service(**settings, instance_id="two", companies=[]) as second:
            listed = (await second.client.get("/events/dead-letters")).json()["deadLetters"]
    assert [(letter["event"]["messageId"], letter["attempts"]) for letter in listed] == [("D1", 2)]


@pytest.mark.slow
async def test_an_instance_killed_mid_delivery_loses_nothing(redis_url, redis_prefix) -> None:
    total = 20
    hold = asyncio.Event()
    async with WebhookReceiver(hold=hold) as receiver:
        env = {
            f"SPASIBO_{key.upper()}": str(value)
            for key, value in stream_settings(redis_url, redis_prefix, receiver).items()
        } | {"SPASIBO_INSTANCE_ID": "doomed", "SPASIBO_WEBHOOK_CONCURRENCY": "4"}
        doomed = await asyncio.to_thread(start_serve, env)
        try:
            async with httpx.AsyncClient(base_url=doomed.url, headers={"X-API-Key": API_KEY}) as http:
                for n in range(total):
                    body = {"text": f"message {n}", "chat": CUSTOMER, "messageId": f"K{n:03d}"}
                    assert (await http.post("/fake/messages", json=body)).status_code == 200
            await receiver.wait_for_arrivals(4)
            await asyncio.sleep(0.2)  # no fifth: the consumer takes no more than its concurrency
            assert len(receiver.received) == 4  # the doomed instance holds 4 deliveries in flight
            doomed.process.kill()  # SIGKILL: no shutdown, no acknowledgement
            doomed.process.wait()
        finally:
            stop_serve(doomed)
        hold.set()  # the receiver answers again; the doomed instance's connections are gone
        settings = stream_settings(redis_url, redis_prefix, receiver, webhook_concurrency=4)
        async with running_service(**settings, instance_id="survivor", companies=[]):
            await receiver.wait_for(total, timeout_s=CLAIM_IDLE_S * 5)
    delivered = {event["messageId"] for event in receiver.verified_events()}
    assert delivered == {f"K{n:03d}" for n in range(total)}
