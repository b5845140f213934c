"""API keys act only for the companies they are bound to, on every endpoint (issue 13, item 3)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import ValidationError

from service.support import running_service
from spasibo import IncomingMessage, ReactionRequest
from spasibo.http_sender import HttpReactionSender, HttpSenderSettings, ServiceAuthError
from spasibo.service.keys import KeyGrant, parse_key_entry
from spasibo.service.settings import ServiceSettings
from spasibo.testing.webhooks import WebhookReceiver

ACME_KEY, BOTH_KEY, ADMIN_KEY, BARE_KEY = "acme-key", "both-key", "admin-key", "bare-key"
KEYS = [f"{ACME_KEY}:acme", f"{BOTH_KEY}:acme+globex", f"{ADMIN_KEY}:*"]
CUSTOMER = "79001234567@s.whatsapp.net"


@pytest.fixture
async def tenants():
    async with running_service(api_keys=KEYS, companies=["acme", "globex", "default"]) as service:
        yield service


def as_key(service, key: str) -> None:
    service.client.headers["X-API-Key"] = key


def assert_forbidden(response, field: str = "companyId") -> None:
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "forbidden_company",
        "message": response.json()["error"]["message"],
        "field": field,
    }


async def test_a_tenant_key_cannot_send_reactions_as_another_company(tenants) -> None:
    as_key(tenants, ACME_KEY)
    assert_forbidden(await tenants.react(companyId="globex"))
    assert tenants.sent("globex") == 0


async def test_a_tenant_key_cannot_use_the_default_company_it_is_not_bound_to(tenants) -> None:
    as_key(tenants, ACME_KEY)
    assert_forbidden(await tenants.react(companyId=None))
    assert tenants.sent("default") == 0


async def test_a_tenant_key_sends_reactions_for_its_own_companies(tenants) -> None:
    as_key(tenants, BOTH_KEY)
    assert (await tenants.react(companyId="acme", messageId="1")).status_code == 200
    assert (await tenants.react(companyId="globex", messageId="2")).status_code == 200


async def test_the_answer_for_a_company_that_does_not_exist_is_the_same_403(tenants) -> None:
    as_key(tenants, ACME_KEY)
    assert_forbidden(await tenants.react(companyId="nobody"))


async def test_a_tenant_key_lists_only_its_own_sessions(tenants) -> None:
    as_key(tenants, ACME_KEY)
    listed = (await tenants.client.get("/sessions")).json()["sessions"]
    assert [session["companyId"] for session in listed] == ["acme"]


async def test_a_tenant_key_cannot_add_a_session_for_another_company(tenants) -> None:
    as_key(tenants, ACME_KEY)
    assert_forbidden(await tenants.client.post("/sessions", json={"companyId": "initech"}))
    assert "initech" not in {info.company_id for info in tenants.pool.sessions()}


async def test_a_tenant_key_cannot_pair_a_phone_for_another_company(tenants) -> None:
    as_key(tenants, ACME_KEY)
    response = await tenants.client.post("/sessions", json={"companyId": "initech", "phone": "+79001234567"})
    assert_forbidden(response)
    assert "initech" not in tenants.factory.latest


async def test_a_tenant_key_cannot_remove_another_companys_session(tenants) -> None:
    as_key(tenants, ACME_KEY)
    assert_forbidden(await tenants.client.delete("/sessions/globex"))
    assert tenants.pool.session("globex").state == "connected"


async def test_a_tenant_key_cannot_log_another_company_out(tenants) -> None:
    as_key(tenants, ACME_KEY)
    assert_forbidden(await tenants.client.post("/sessions/globex/logout"))
    assert tenants.pool.session("globex").state == "connected"
    assert tenants.factory.latest["globex"].logged_in


async def test_a_tenant_key_manages_its_own_session(tenants) -> None:
    as_key(tenants, ACME_KEY)
    assert (await tenants.client.delete("/sessions/acme")).status_code == 200
    assert (await tenants.client.post("/sessions", json={"companyId": "acme"})).status_code == 201


async def assert_acts_for_every_company(service, key: str) -> None:
    as_key(service, key)
    listed = (await service.client.get("/sessions")).json()["sessions"]
    assert [session["companyId"] for session in listed] == ["acme", "default", "globex"]
    assert (await service.react(companyId="globex")).status_code == 200
    assert (await service.client.post("/sessions/globex/logout")).status_code == 200


async def test_an_admin_key_acts_for_every_company(tenants) -> None:
    await assert_acts_for_every_company(tenants, ADMIN_KEY)


async def test_a_single_bare_key_is_an_admin_key() -> None:
    async with running_service(api_keys=[BARE_KEY], companies=["acme", "globex", "default"]) as service:
        await assert_acts_for_every_company(service, BARE_KEY)


@pytest.mark.parametrize("keys", [["k1", "k2"], ["k1:acme", "k2"], ["k1:*", "k2"]])
def test_a_bare_key_beside_other_keys_is_refused_at_start_up(keys: list[str]) -> None:
    # SPASIBO_API_KEYS=tenant1,tenant2 written before keys had scopes: each would act as every company
    with pytest.raises(ValidationError, match="each must name what it may act for"):
        ServiceSettings(api_keys=keys)


def test_keys_are_bound_to_companies_in_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("SPASIBO_API_KEYS", "k1:acme+globex, k2:*")
    settings = ServiceSettings()
    assert [parse_key_entry(entry) for entry in settings.api_keys] == [
        ("k1", KeyGrant(frozenset({"acme", "globex"}))),
        ("k2", KeyGrant(None)),
    ]


@pytest.mark.parametrize("entry", ["k1:", "k1:acme+", "k1:no spaces", ":acme", "k1:acme,globex:x y"])
def test_a_malformed_key_entry_is_refused_at_start_up_without_showing_the_key(entry: str) -> None:
    with pytest.raises(ValidationError, match="SPASIBO_API_KEYS") as raised:
        ServiceSettings(api_keys=entry.split(","))
    assert "k1" not in str(raised.value).replace("k1…", "")


async def test_a_tenant_key_cannot_inject_fake_messages_for_another_company(tenants) -> None:
    as_key(tenants, ACME_KEY)
    body = {"text": "hi", "chat": "79001234567@s.whatsapp.net", "messageId": "3A01", "companyId": "globex"}
    assert_forbidden(await tenants.client.post("/fake/messages", json=body))


async def test_a_tenant_key_sees_only_its_own_companies_dead_letters() -> None:
    async with (
        WebhookReceiver(answers=[400, 400]) as receiver,
        running_service(
            api_keys=KEYS,
            companies=["acme", "globex"],
            webhook_url=receiver.url,
            webhook_secret=receiver.secret,
        ) as service,
    ):
        for company in ("acme", "globex"):
            await service.factory.latest[company].incoming_text("hi", chat=CUSTOMER, message_id=company)
        await receiver.wait_for_arrivals(2)
        as_key(service, ADMIN_KEY)
        for _ in range(200):
            if len((await service.client.get("/events/dead-letters")).json()["deadLetters"]) == 2:
                break
            await asyncio.sleep(0.01)
        as_key(service, ACME_KEY)
        letters = (await service.client.get("/events/dead-letters")).json()["deadLetters"]
    assert [letter["event"]["companyId"] for letter in letters] == ["acme"]


async def test_the_bots_http_sender_names_a_key_not_bound_to_the_company(tenants) -> None:
    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://service", api_key=ACME_KEY),
        transport=httpx.ASGITransport(app=tenants.app),
    )
    message = IncomingMessage(platform="whatsapp", company_id="globex", chat=CUSTOMER, message_id="3A01")
    with pytest.raises(ServiceAuthError, match="globex") as raised:
        await sender.send(ReactionRequest(message=message, emoji="❤️", transport="http"))
    await sender.aclose()
    assert (raised.value.status, raised.value.code) == (403, "forbidden_company")
