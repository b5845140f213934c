"""Session management, health, readiness and metrics through the real app."""

from __future__ import annotations

import asyncio

from service.support import Service, running_service
from spasibo.testing.whatsapp import FAKE_PAIR_CODE


async def test_sessions_are_listed_with_their_state(service: Service) -> None:
    response = await service.client.get("/sessions")
    assert response.status_code == 200
    [session] = response.json()["sessions"]
    assert (session["companyId"], session["state"], session["breakerState"]) == (
        "default",
        "connected",
        "closed",
    )


async def test_adding_a_session_answers_with_its_qr_payload(service: Service) -> None:
    service.factory.configure = lambda client: None  # a new account: no stored login, WhatsApp shows a QR
    response = await service.client.post("/sessions", json={"companyId": "acme"})
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["method"]) == ("pairing", "qr")
    assert body["qr"].startswith("2@")


async def test_adding_a_session_with_a_phone_answers_with_a_pairing_code(service: Service) -> None:
    service.factory.configure = lambda client: None
    response = await service.client.post("/sessions", json={"companyId": "acme", "phone": "89001234567"})
    assert response.status_code == 201
    assert response.json()["pairCode"] == FAKE_PAIR_CODE


async def test_adding_an_existing_session_is_409(service: Service) -> None:
    response = await service.client.post("/sessions", json={"companyId": "default"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_exists"


async def test_adding_a_session_with_a_bad_company_id_is_422(service: Service) -> None:
    response = await service.client.post("/sessions", json={"companyId": "a/b"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "companyId"


async def test_a_removed_session_is_gone(service: Service) -> None:
    assert (await service.client.delete("/sessions/default")).status_code == 200
    assert (await service.client.get("/sessions")).json() == {"sessions": []}
    assert (await service.client.delete("/sessions/default")).status_code == 404
    assert (await service.react()).status_code == 404


async def test_logout_logs_the_account_out_and_removes_the_session(service: Service) -> None:
    client = service.factory.latest["default"]
    response = await service.client.post("/sessions/default/logout")
    assert response.status_code == 200
    assert client.logout_calls == 1
    assert (await service.client.get("/sessions")).json() == {"sessions": []}


async def test_session_management_needs_the_api_key(service: Service) -> None:
    service.client.headers.pop("X-API-Key")
    assert (await service.client.get("/sessions")).status_code == 401
    assert (await service.client.post("/sessions", json={"companyId": "x"})).status_code == 401


async def test_health_answers_without_a_key(service: Service) -> None:
    service.client.headers.pop("X-API-Key")
    response = await service.client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_ready_when_a_session_is_connected(service: Service) -> None:
    response = await service.client.get("/ready")
    assert response.status_code == 200
    assert response.json()["sessionsConnected"] == 1


async def test_not_ready_when_no_session_is_connected(service: Service) -> None:
    service.factory.latest["default"].disconnect_event()
    await asyncio.sleep(0.05)
    response = await service.client.get("/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


async def test_metrics_count_reactions_errors_limits_and_sessions() -> None:
    async with running_service(rate_limit_per_phone_per_minute=1) as service:
        await service.react(messageId="1")
        await service.react(messageId="2")  # rate limited
        await service.react(companyId="nobody")
        text = (await service.client.get("/metrics")).text
    assert 'spasibo_reactions_total{outcome="sent"} 1.0' in text
    assert "spasibo_rate_limited_total 1.0" in text
    assert 'spasibo_reaction_errors_total{code="unknown_company"} 1.0' in text
    assert 'spasibo_reaction_errors_total{code="rate_limited"} 1.0' in text
    assert 'spasibo_sessions{state="connected"} 1.0' in text
    assert 'spasibo_breakers{state="closed"} 1.0' in text
    assert "spasibo_reaction_latency_seconds_count 3.0" in text


async def test_two_apps_in_one_process_keep_separate_metrics() -> None:
    async with running_service() as first, running_service() as second:
        await first.react()
        text = (await second.client.get("/metrics")).text
    assert 'spasibo_reactions_total{outcome="sent"}' not in text
