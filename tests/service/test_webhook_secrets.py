"""Each company's webhooks can be signed with its own secret, so one tenant's bot cannot forge another's."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from service.support import running_service
from spasibo.service.settings import ServiceSettings
from spasibo.testing.webhooks import WebhookReceiver
from spasibo.webhook_signature import WebhookSignatureError, verify_webhook

CUSTOMER = "79001234567@s.whatsapp.net"


async def test_each_tenant_verifies_its_own_events_and_cannot_verify_the_other_tenants() -> None:
    async with (
        WebhookReceiver(secret="acme-secret") as acme,
        WebhookReceiver(secret="globex-secret") as globex,
    ):
        settings = {
            "companies": ["acme", "globex"],
            "webhook_urls": {"acme": acme.url, "globex": globex.url},
            "webhook_secrets": {"acme": acme.secret, "globex": globex.secret},
        }
        async with running_service(**settings) as service:
            await service.factory.latest["acme"].incoming_text("спасибо", chat=CUSTOMER, message_id="3A01")
            await service.factory.latest["globex"].incoming_text("спасибо", chat=CUSTOMER, message_id="3A02")
            await acme.wait_for(1)
            await globex.wait_for(1)
    [acme_event], [globex_event] = acme.verified_events(), globex.verified_events()
    assert (acme_event["companyId"], globex_event["companyId"]) == ("acme", "globex")
    for receiver, other_secret in ((acme, globex.secret), (globex, acme.secret)):
        [request] = receiver.accepted()
        with pytest.raises(WebhookSignatureError):
            verify_webhook(other_secret, request.headers, request.body)


async def test_a_company_without_its_own_secret_is_signed_with_the_global_one() -> None:
    async with WebhookReceiver(secret="global-secret") as receiver:
        settings = {
            "companies": ["acme", "globex"],
            "webhook_url": receiver.url,
            "webhook_secret": receiver.secret,
            "webhook_secrets": {"acme": "acme-secret"},
        }
        async with running_service(**settings) as service:
            await service.factory.latest["acme"].incoming_text("hi", chat=CUSTOMER, message_id="3A01")
            await service.factory.latest["globex"].incoming_text("hi", chat=CUSTOMER, message_id="3A02")
            await receiver.wait_for(2)
    acme, globex = sorted(receiver.accepted(), key=lambda request: b'"companyId":"acme"' not in request.body)
    assert verify_webhook("acme-secret", acme.headers, acme.body)["companyId"] == "acme"
    assert verify_webhook("global-secret", globex.headers, globex.body)["companyId"] == "globex"
    with pytest.raises(WebhookSignatureError):
        verify_webhook("global-secret", acme.headers, acme.body)


def test_per_company_secrets_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASIBO_WEBHOOK_URLS", "acme=https://a.example/hook,globex=https://g.example/hook")
    monkeypatch.setenv("SPASIBO_WEBHOOK_SECRETS", "acme=s3cret=1, globex=other")
    assert ServiceSettings().webhook_secrets == {"acme": "s3cret=1", "globex": "other"}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"webhook_urls": {"acme": "https://a.example/hook"}},
            "webhook_secrets: company 'acme' has a webhook URL but no secret",
        ),
        (
            {
                "webhook_urls": {"acme": "https://a.example/hook", "globex": "https://g.example/hook"},
                "webhook_secrets": {"acme": "s"},
            },
            "webhook_secrets: company 'globex' has a webhook URL but no secret",
        ),
        ({"webhook_url": "https://all.example/hook"}, "webhook_secret: required when webhook_url is set"),
        (
            {"webhook_urls": {"acme": "https://a.example/hook"}, "webhook_secrets": {"globex": "s"}},
            "webhook_secrets: company 'globex' has a secret but no webhook URL",
        ),
        (
            {"webhook_urls": {"acme": "https://a.example/hook"}, "webhook_secrets": {"acme": ""}},
            "webhook_secrets: the secret of company 'acme' is empty",
        ),
    ],
    ids=["url without secret", "one company without", "global url without", "secret without url", "empty"],
)
def test_a_webhook_that_would_go_unsigned_is_refused_at_start_up(settings, message) -> None:
    with pytest.raises(ValidationError, match=message):
        ServiceSettings(**settings)


def test_a_refused_setting_never_shows_a_secret() -> None:
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(
            webhook_urls={"acme": "https://a.example/hook"}, webhook_secrets={"globex": "hunter2"}
        )
    assert "hunter2" not in str(refused.value)
