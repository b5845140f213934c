"""Webhook connections: one-connection clients reused per URL, the idle ones bounded (webhook_clients.py)."""

from __future__ import annotations

from spasibo.service.webhook_clients import WebhookClients
from spasibo.testing.webhooks import WebhookReceiver


async def test_deliveries_to_one_url_reuse_its_client_and_connection() -> None:
    clients = WebhookClients(timeout_s=5.0, keep_idle=4)
    async with WebhookReceiver() as receiver:
        async with clients.client_for(receiver.url) as first:
            assert (await first.post(receiver.url, content=b"{}")).status_code == 200
        async with clients.client_for(receiver.url) as second:
            assert (await second.post(receiver.url, content=b"{}")).status_code == 200
        await clients.aclose()
    assert second is first
    assert len(receiver.received) == 2


async def test_concurrent_deliveries_get_a_client_each() -> None:
    clients = WebhookClients(timeout_s=5.0, keep_idle=4)
    async with (
        clients.client_for("http://bot.example/a") as one,
        clients.client_for("http://bot.example/a") as two,
    ):
        assert one is not two
    await clients.aclose()


async def test_beyond_keep_idle_the_least_recently_used_client_is_closed() -> None:
    clients = WebhookClients(timeout_s=5.0, keep_idle=2)
    used = {}
    for url in ("http://a.example/", "http://b.example/", "http://c.example/"):
        async with clients.client_for(url) as client:
            used[url] = client
    assert [client.is_closed for client in used.values()] == [True, False, False]
    async with clients.client_for("http://a.example/") as again:
        assert again is not used["http://a.example/"]
    await clients.aclose()
    assert all(client.is_closed for client in (*used.values(), again))
