"""Inbound events reach the bot's webhook signed, retried, dead-lettered, never duplicated under a new id."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from service.support import running_service
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.webhooks import WebhookSender, WebhookTargets
from spasibo.testing.webhooks import WebhookReceiver
from spasibo.webhook_signature import WebhookSignatureError, sign_webhook, verify_webhook

CUSTOMER = "79001234567@s.whatsapp.net"
FAST_RETRIES = {"webhook_backoff_base_s": 0.01, "webhook_backoff_max_s": 0.05}


def webhook_settings(receiver: WebhookReceiver, **overrides: Any) -> dict[str, Any]:
    return {"webhook_url": receiver.url, "webhook_secret": receiver.secret, **FAST_RETRIES, **overrides}


async def test_a_customer_message_arrives_as_a_signed_message_event() -> None:
    async with WebhookReceiver() as receiver, running_service(**webhook_settings(receiver)) as service:
        answer = await service.client.post(
            "/fake/messages", json={"text": "спасибо!", "chat": CUSTOMER, "messageId": "3A0101"}
        )
        assert answer.status_code == 200
        await receiver.wait_for(1)
    [event] = receiver.verified_events()
    assert event["type"] == "message"
    assert (event["companyId"], event["chat"], event["messageId"], event["text"]) == (
        "default",
        CUSTOMER,
        "3A0101",
        "спасибо!",
    )
    assert (event["isGroup"], event["fromMe"], event["outcome"]) == (False, False, None)
    assert receiver.accepted()[0].event_id == event["id"]


async def test_a_customer_reaction_arrives_as_a_reaction_event() -> None:
    async with WebhookReceiver() as receiver, running_service(**webhook_settings(receiver)) as service:
        client = service.factory.latest["default"]
        await client.incoming_reaction("👍", chat=CUSTOMER, sender=CUSTOMER, target_message_id="3EB0AA")
        await receiver.wait_for(1)
    [event] = receiver.verified_events()
    assert (event["type"], event["messageId"], event["emoji"], event["sender"]) == (
        "reaction",
        "3EB0AA",
        "👍",
        CUSTOMER,
    )


async def test_a_session_logged_out_arrives_as_a_session_terminal_event() -> None:
    async with WebhookReceiver() as receiver, running_service(**webhook_settings(receiver)) as service:
        service.factory.latest["default"].logged_out_event()
        await receiver.wait_for(1)
    [event] = receiver.verified_events()
    assert (event["type"], event["companyId"], event["state"]) == (
        "session.terminal",
        "default",
        "logged_out",
    )
    assert "logged out" in event["reason"]


async def test_a_company_with_its_own_url_gets_its_events_there() -> None:
    async with WebhookReceiver() as general, WebhookReceiver(secret=general.secret) as own:
        settings = webhook_settings(general, webhook_urls={"acme": own.url}, companies=["default", "acme"])
        async with running_service(**settings) as service:
            await service.factory.latest["acme"].incoming_text("hi", chat=CUSTOMER, message_id="A1")
            await service.factory.latest["default"].incoming_text("hi", chat=CUSTOMER, message_id="D1")
            await own.wait_for(1)
            await general.wait_for(1)
    assert [e["companyId"] for e in own.verified_events()] == ["acme"]
    assert [e["companyId"] for e in general.verified_events()] == ["default"]


async def test_a_webhook_answering_500_is_retried_until_it_accepts() -> None:
    async with (
        WebhookReceiver(answers=[500, 500]) as receiver,
        running_service(**webhook_settings(receiver)) as service,
    ):
        await service.factory.latest["default"].incoming_text("hi", chat=CUSTOMER)
        await receiver.wait_for(1)
    assert [r.answer for r in receiver.received] == [500, 500, 200]
    assert len({r.event_id for r in receiver.received}) == 1


async def test_a_webhook_that_times_out_is_retried() -> None:
    async with (
        WebhookReceiver(answers=["hang"]) as receiver,
        running_service(**webhook_settings(receiver, webhook_timeout_s=0.3)) as service,
    ):
        await service.factory.latest["default"].incoming_text("hi", chat=CUSTOMER)
        await receiver.wait_for(1)
    assert [r.answer for r in receiver.received] == ["hang", 200]
    assert receiver.received[0].event_id == receiver.received[1].event_id


async def test_after_the_last_attempt_the_event_is_in_the_dead_letter_list() -> None:
    async with (
        WebhookReceiver(answers=[500] * 3) as receiver,
        running_service(**webhook_settings(receiver, webhook_max_attempts=3)) as service,
    ):
        await service.factory.latest["default"].incoming_text("hi", chat=CUSTOMER, message_id="3ADEAD")
        for _ in range(200):
            listed = (await service.client.get("/events/dead-letters")).json()["deadLetters"]
            if listed:
                break
            await asyncio.sleep(0.01)
        metrics = (await service.client.get("/metrics")).text
    [letter] = listed
    assert (letter["attempts"], letter["lastError"], letter["event"]["messageId"]) == (
        3,
        "HTTP 500",
        "3ADEAD",
    )
    assert len(receiver.received) == 3
    assert "spasibo_events_dead_lettered_total 1.0" in metrics


async def test_a_webhook_refusing_the_event_with_a_4xx_dead_letters_it_at_once() -> None:
    async with (
        WebhookReceiver(answers=[400]) as receiver,
        running_service(**webhook_settings(receiver)) as service,
    ):
        await service.factory.latest["default"].incoming_text("hi", chat=CUSTOMER)
        for _ in range(200):
            listed = (await service.client.get("/events/dead-letters")).json()["deadLetters"]
            if listed:
                break
            await asyncio.sleep(0.01)
    assert [(letter["attempts"], letter["lastError"]) for letter in listed] == [(1, "HTTP 400")]


async def test_the_same_whatsapp_message_delivered_twice_keeps_its_event_id() -> None:
    async with WebhookReceiver() as receiver, running_service(**webhook_settings(receiver)) as service:
        client = service.factory.latest["default"]
        await client.incoming_text("hi", chat=CUSTOMER, message_id="3A0001")
        await client.incoming_text("hi", chat=CUSTOMER, message_id="3A0001")  # WhatsApp redelivers
        await client.incoming_text("hi", chat=CUSTOMER, message_id="3A0002")
        await receiver.wait_for(3)
    ids = [e["id"] for e in receiver.verified_events()]
    assert ids[0] == ids[1] != ids[2]


async def test_a_full_in_memory_queue_drops_events_and_counts_them() -> None:
    async with WebhookReceiver(hold=asyncio.Event()) as receiver:
        settings = webhook_settings(receiver, events_queue_size=2, webhook_concurrency=1)
        async with running_service(**settings) as service:
            client = service.factory.latest["default"]
            for n in range(10):
                await client.incoming_text("hi", chat=CUSTOMER, message_id=f"3A{n:04d}")
            metrics = (await service.client.get("/metrics")).text
            assert receiver.hold is not None
            receiver.hold.set()
            await receiver.wait_for(3)
    assert 'spasibo_events_dropped_total{reason="queue_full"} 7.0' in metrics
    assert 'spasibo_events_published_total{type="message"} 10.0' in metrics


def test_retry_waits_are_jittered_below_an_exponential_cap() -> None:
    sender = WebhookSender(
        WebhookTargets("http://127.0.0.1:9/", {}, secret="s"),
        metrics=ServiceMetrics(),
        timeout_s=1,
        max_attempts=5,
        backoff_base_s=1.0,
        backoff_max_s=6.0,
        concurrency=1,
        rng=random.Random(3),
    )
    waits = {attempt: [sender.backoff_s(attempt) for _ in range(300)] for attempt in (1, 2, 3, 4)}
    assert [max(waits[attempt]) <= cap for attempt, cap in ((1, 1.0), (2, 2.0), (4, 6.0))] == [True] * 3
    assert (max(waits[3]) > 3.0, min(waits[3]) < 1.0) == (True, True)  # spread over the range, not fixed


def test_verify_accepts_what_the_service_signs() -> None:
    body = b'{"id": "evt_1"}'
    headers = {"X-Spasibo-Timestamp": "1000", "X-Spasibo-Signature": sign_webhook("k", 1000, body)}
    assert verify_webhook("k", headers, body, clock=lambda: 1010) == {"id": "evt_1"}


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [("other", b'{"id": "evt_1"}', 1010), ("k", b'{"id": "evt_2"}', 1010), ("k", b'{"id": "evt_1"}', 1400)],
    ids=["wrong secret", "tampered body", "too old"],
)
def test_verify_refuses_a_wrong_secret_a_changed_body_or_an_old_timestamp(secret, body, now) -> None:
    signed = {
        "X-Spasibo-Timestamp": "1000",
        "X-Spasibo-Signature": sign_webhook("k", 1000, b'{"id": "evt_1"}'),
    }
    with pytest.raises(WebhookSignatureError):
        verify_webhook(secret, signed, body, clock=lambda: now)


async def test_without_the_fake_client_there_is_no_inject_endpoint() -> None:
    from spasibo.service.app import create_app
    from spasibo.service.settings import ServiceSettings

    app = create_app(ServiceSettings(whatsapp_client="neonize"))
    assert "/fake/messages" not in app.openapi()["paths"]
