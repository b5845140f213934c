"""The same reaction within the idempotency window is sent once and answered the same (records in memory and
in Redis).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from service.support import Service, running_service


@pytest.fixture
async def service(shared_state: dict[str, str]) -> AsyncIterator[Service]:
    """The service with one connected company ``default``, its records in memory or in Redis."""
    async with running_service(**shared_state) as running:
        yield running


async def test_the_same_reaction_twice_is_sent_once_with_the_same_answer(service: Service) -> None:
    first = await service.react(messageId="3A01")
    second = await service.react(messageId="3A01")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert service.sent() == 1


async def test_another_emoji_on_the_same_message_is_a_new_reaction(service: Service) -> None:
    await service.react(messageId="3A01", emoji="❤️")
    await service.react(messageId="3A01", emoji="👍")
    assert service.sent() == 2


async def test_an_idempotency_key_makes_a_retry_replay_the_first_answer(service: Service) -> None:
    first = await service.react(messageId="3A01", idempotency_key="k-1")
    again = await service.react(messageId="3A01", idempotency_key="k-1")
    assert again.json() == first.json()
    assert service.sent() == 1


async def test_an_idempotency_key_reused_for_another_body_is_422(service: Service) -> None:
    await service.react(messageId="3A01", idempotency_key="k-1")
    response = await service.react(messageId="3A02", idempotency_key="k-1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert service.sent() == 1


async def test_concurrent_duplicates_send_once_and_share_the_answer(shared_state: dict[str, str]) -> None:
    async with running_service(**shared_state, fake_send_delay_s=0.2) as service:
        answers = await asyncio.gather(*(service.react(messageId="3A01") for _ in range(5)))
        assert {a.status_code for a in answers} == {200}
        assert len({a.text for a in answers}) == 1
        assert service.sent() == 1


async def test_a_failed_send_is_not_remembered_so_a_retry_sends(service: Service) -> None:
    client = service.factory.latest["default"]
    client.send_error = "server refused"
    assert (await service.react(messageId="3A01")).status_code == 502
    client.send_error = None
    assert (await service.react(messageId="3A01")).status_code == 200
    assert service.sent() == 1


async def test_duplicates_do_not_count_against_the_phone_limit(shared_state: dict[str, str]) -> None:
    async with running_service(**shared_state, rate_limit_per_phone_per_minute=1) as service:
        answers = [await service.react(messageId="3A01") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]


async def test_after_the_window_the_same_reaction_is_sent_again(shared_state: dict[str, str]) -> None:
    async with running_service(**shared_state, idempotency_window_s=0.1) as service:
        await service.react(messageId="3A01")
        await asyncio.sleep(0.15)
        await service.react(messageId="3A01")
        assert service.sent() == 2


async def test_a_reaction_removed_and_put_back_is_sent_each_time(service: Service) -> None:
    answers = [await service.react(messageId="3A01", emoji=emoji) for emoji in ("❤️", "", "❤️")]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert service.sent() == 3


async def test_a_retry_after_a_change_replays_the_current_state(service: Service) -> None:
    await service.react(messageId="3A01", emoji="❤️")
    await service.react(messageId="3A01", emoji="")
    again = await service.react(messageId="3A01", emoji="")
    assert again.status_code == 200
    assert service.sent() == 2


async def test_two_customers_with_the_same_message_id_both_get_their_reaction(service: Service) -> None:
    first = await service.react(messageId="3A01", phone="+7 900 123-45-67")
    second = await service.react(messageId="3A01", phone="+7 900 765-43-21")
    assert (first.status_code, second.status_code) == (200, 200)
    assert service.sent() == 2


async def test_without_an_idempotency_key_no_error_ever_names_that_header(service: Service) -> None:
    await service.react(messageId="3A01", emoji="❤️")
    changed = await service.react(messageId="3A01", emoji="👍", phone="+7 900 123-45-67")
    assert changed.status_code == 200
    assert "Idempotency-Key" not in changed.text


@pytest.mark.parametrize(
    ("header", "says"),
    [("", "at least 1 character"), ("k" * 201, "at most 200 characters")],
)
async def test_a_bad_idempotency_key_is_422_naming_the_header_and_sends_nothing(
    service: Service, header: str, says: str
) -> None:
    response = await service.react(messageId="3A01", idempotency_key=header)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_field", "header.Idempotency-Key")
    assert says in error["message"]
    assert service.sent() == 0


async def test_a_key_of_200_characters_is_accepted(service: Service) -> None:
    response = await service.react(messageId="3A01", idempotency_key="k" * 200)
    assert response.status_code == 200
    assert service.sent() == 1


async def test_a_bad_api_key_is_reported_before_a_bad_idempotency_key(service: Service) -> None:
    response = await service.client.post(
        "/reaction",
        json={"phone": "+79001234567", "emoji": "❤️", "messageId": "3A01"},
        headers={"X-API-Key": "wrong", "Idempotency-Key": ""},
    )
    assert response.status_code == 401


async def test_a_bad_idempotency_key_is_reported_before_a_bad_body(service: Service) -> None:
    response = await service.client.post("/reaction", json={"emoji": 5}, headers={"Idempotency-Key": ""})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "header.Idempotency-Key"


def test_the_openapi_document_describes_the_idempotency_key_header(service: Service) -> None:
    parameters = service.app.openapi()["paths"]["/reaction"]["post"]["parameters"]
    assert parameters == [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {
                "anyOf": [{"type": "string", "minLength": 1, "maxLength": 200}, {"type": "null"}],
                "title": "Idempotency-Key",
            },
        }
    ]
