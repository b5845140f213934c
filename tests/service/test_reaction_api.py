"""POST /reaction through the real app: every answer the API documents, with its JSON error body."""

from __future__ import annotations

import asyncio

import pytest

from service.support import API_KEY, Service, running_service
from spasibo import phone


def error_of(response) -> dict:
    return response.json()["error"]


async def test_a_reaction_is_sent_and_answered_with_the_normalized_phone(service: Service) -> None:
    response = await service.react(phone="8 (900) 123-45-67", emoji="👍", messageId="3A77")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "phone": "79001234567",
        "emoji": "👍",
        "messageId": "3A77",
        "companyId": "default",
    }
    assert service.sent() == 1


def forgetting_numbers_first(method):
    """``method``, called after the memory of recent phone numbers is emptied (as 4,096 other numbers read
    meanwhile by other requests would empty it).
    """

    def call(*args, **kwargs):
        phone._recent.clear()
        return method(*args, **kwargs)

    return call


async def test_a_phone_is_reacted_to_in_its_own_chat_whatever_the_default_region(monkeypatch) -> None:
    # the pool reads bare numbers as German ones, and forgets every number it read between reading the
    # request's phone and addressing the reaction (twice: to limit the customer, then to send)
    async with running_service(pool={"default_region": "DE"}) as service:
        for name in ("address_of", "send_reaction"):
            monkeypatch.setattr(service.pool, name, forgetting_numbers_first(getattr(service.pool, name)))
        response = await service.react(phone="+79001234567", messageId="3A78")
    assert response.json()["phone"] == "79001234567"
    to, message = service.factory.latest["default"].sent[0]
    assert (to.User, message.reactionMessage.key.remoteJID) == ("79001234567", "79001234567@s.whatsapp.net")


async def test_an_empty_emoji_removes_a_reaction(service: Service) -> None:
    response = await service.react(emoji="")
    assert response.status_code == 200
    assert response.json()["emoji"] == ""


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"phone": None}, "phone", "missing_field"),
        ({"messageId": None}, "messageId", "missing_field"),
        ({"phone": "12"}, "phone", "invalid_phone"),
        ({"emoji": "thanks"}, "emoji", "invalid_emoji"),
        ({"emoji": "❤️❤️"}, "emoji", "invalid_emoji"),
        ({"messageId": ""}, "messageId", "invalid_message_id"),
        ({"messageId": "   "}, "messageId", "invalid_message_id"),
        ({"phone": 79001234567}, "phone", "invalid_field"),
        ({"emoji": ["❤️"]}, "emoji", "invalid_field"),
        ({"companyId": "no spaces"}, "companyId", "invalid_company_id"),
        ({"messageID": "3A"}, "messageID", "unknown_field"),
    ],
)
async def test_invalid_input_is_422_naming_the_field(service: Service, fields, field, code) -> None:
    response = await service.react(**fields)
    assert response.status_code == 422
    assert error_of(response)["field"] == field
    assert error_of(response)["code"] == code
    assert service.sent() == 0


async def test_a_body_that_is_not_json_is_422(service: Service) -> None:
    response = await service.client.post(
        "/reaction", content=b"{phone:", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_json"


async def test_a_body_over_the_size_limit_is_413(service: Service) -> None:
    response = await service.react(chat="x" * (service.settings.max_body_bytes + 1))
    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}])
async def test_without_a_valid_api_key_it_is_401(service: Service, headers) -> None:
    service.client.headers.pop("X-API-Key")
    response = await service.client.post(
        "/reaction", json={"phone": "79001234567", "emoji": "❤️", "messageId": "1"}, headers=headers
    )
    assert response.status_code == 401
    assert error_of(response)["field"] == "X-API-Key"
    assert service.sent() == 0


async def test_any_of_several_api_keys_is_accepted(service: Service) -> None:
    service.client.headers["X-API-Key"] = "test-key-2"
    assert (await service.react()).status_code == 200


async def test_an_unknown_company_is_404(service: Service) -> None:
    response = await service.react(companyId="nobody")
    assert response.status_code == 404
    assert error_of(response)["code"] == "unknown_company"


async def test_an_unseen_group_message_without_sender_is_409(service: Service) -> None:
    response = await service.react(chat="120363025246125888@g.us")
    assert response.status_code == 409
    assert error_of(response)["code"] == "unknown_group_message"


async def test_an_unseen_group_message_with_its_sender_is_sent(service: Service) -> None:
    response = await service.react(chat="120363025246125888@g.us", sender="79001234567@s.whatsapp.net")
    assert response.status_code == 200


async def test_a_phone_over_its_limit_gets_429_with_retry_after() -> None:
    async with running_service(rate_limit_per_phone_per_minute=2) as service:
        answers = [await service.react(messageId=f"m{i}") for i in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert 1 <= int(answers[2].headers["Retry-After"]) <= 60
        assert error_of(answers[2])["field"] == "phone"
        other_phone = await service.react(phone="+7 900 765-43-21", messageId="m9")
        assert other_phone.status_code == 200
        assert service.sent() == 3


async def test_a_disconnected_session_is_503(service: Service) -> None:
    service.factory.latest["default"].disconnect_event()
    await asyncio.sleep(0.05)
    response = await service.react()
    assert response.status_code == 503
    assert error_of(response)["code"] == "session_not_connected"


async def test_an_open_breaker_is_503_with_retry_after(service: Service) -> None:
    service.factory.latest["default"].send_error = "server refused"
    threshold = service.pool.settings.breaker_failure_threshold
    failures = [await service.react(messageId=f"f{i}") for i in range(threshold)]
    assert {f.status_code for f in failures} == {502}
    response = await service.react(messageId="after")
    assert response.status_code == 503
    assert error_of(response)["code"] == "circuit_open"
    assert int(response.headers["Retry-After"]) > 0


async def test_an_unexpected_error_is_500_without_details_in_production(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args, **kwargs):
        raise RuntimeError("secret at /srv/internal")

    monkeypatch.setattr(service.pool, "send_reaction", broken)
    response = await service.react()
    assert response.status_code == 500
    assert error_of(response) == {"code": "internal", "message": "internal error", "field": None}


async def test_an_unexpected_error_names_the_exception_in_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_service(env="development") as service:

        async def broken(*args, **kwargs):
            raise RuntimeError("secret at /srv/internal")

        monkeypatch.setattr(service.pool, "send_reaction", broken)
        response = await service.react()
        assert response.status_code == 500
        assert "RuntimeError: secret at /srv/internal" in error_of(response)["message"]


async def test_company_defaults_to_the_configured_default_company() -> None:
    async with running_service(default_company="acme", companies=["acme"]) as service:
        response = await service.react()
        assert response.json()["companyId"] == "acme"
        assert service.sent("acme") == 1


def test_the_api_key_fixture_is_one_of_the_configured_keys() -> None:
    assert API_KEY == "test-key-1"


async def test_a_failed_send_in_production_hides_the_underlying_error(service: Service) -> None:
    service.factory.latest["default"].send_error = "websocket to 10.1.2.3 closed: secret internals"
    response = await service.react()
    assert response.status_code == 502
    assert "secret internals" not in response.text
    assert "10.1.2.3" not in response.text


async def test_a_failed_send_in_development_names_the_underlying_error() -> None:
    async with running_service(env="development") as service:
        service.factory.latest["default"].send_error = "websocket closed"
        response = await service.react()
    assert response.status_code == 502
    assert "websocket closed" in error_of(response)["message"]


async def test_from_me_reacts_to_the_business_own_message(service: Service) -> None:
    response = await service.react(fromMe=True, chat="79001234567@s.whatsapp.net", phone=None)
    assert response.status_code == 200
    _, message = service.factory.latest["default"].sent[-1]
    assert message.reactionMessage.key.fromMe is True


async def test_without_from_me_the_reaction_is_on_the_customer_message(service: Service) -> None:
    await service.react()
    _, message = service.factory.latest["default"].sent[-1]
    assert message.reactionMessage.key.fromMe is False
