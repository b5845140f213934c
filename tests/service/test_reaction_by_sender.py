"""POST /reaction without a phone: a group message whose sender WhatsApp shows only as an address (@lid)."""

from __future__ import annotations

import pytest

from service.support import PHONE, Service, running_service

GROUP = "120363025246125888@g.us"
LID = "204586732453953@lid"
OTHER_LID = "317492658301744@lid"


def error_of(response) -> dict:
    return response.json()["error"]


async def react_in_group(service: Service, **fields) -> object:
    return await service.react(**{"phone": None, "chat": GROUP, "sender": LID, **fields})


async def test_a_group_message_from_a_lid_sender_is_sent_without_a_phone(service: Service) -> None:
    response = await react_in_group(service, messageId="3A10")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "phone": None,
        "emoji": "❤️",
        "messageId": "3A10",
        "companyId": "default",
    }
    to, message = service.factory.latest["default"].sent[0]
    key = message.reactionMessage.key
    assert (to.Server, key.remoteJID, key.participant, key.ID) == ("g.us", GROUP, LID, "3A10")


async def test_a_phone_jid_sender_also_names_the_customer_without_inventing_a_phone(
    service: Service,
) -> None:
    response = await react_in_group(service, sender="79001234567@s.whatsapp.net")
    assert response.status_code == 200
    assert response.json()["phone"] is None


@pytest.mark.parametrize("chat", [LID, "204586732453953:7@lid", "79001234567@s.whatsapp.net"])
async def test_a_direct_chat_with_the_customer_names_them_without_a_phone(service: Service, chat) -> None:
    response = await service.react(phone=None, chat=chat, sender=None, messageId="3A20")
    assert response.status_code == 200
    assert response.json()["phone"] is None
    to, message = service.factory.latest["default"].sent[0]
    assert (to.Server, message.reactionMessage.key.remoteJID) == (chat.rpartition("@")[2], chat)


async def test_a_direct_lid_chat_over_its_limit_gets_429_naming_the_chat_masked() -> None:
    async with running_service(rate_limit_per_phone_per_minute=1) as service:
        first = await service.react(phone=None, chat=LID, messageId="3A21")
        second = await service.react(phone=None, chat=LID, messageId="3A22")
    assert first.status_code == 200
    assert second.status_code == 429
    assert error_of(second)["field"] == "chat"
    assert LID not in error_of(second)["message"]


async def test_an_explicit_null_phone_is_the_same_as_leaving_it_out(service: Service) -> None:
    response = await service.client.post(
        "/reaction",
        json={"phone": None, "emoji": "❤️", "messageId": "3A11", "chat": GROUP, "sender": LID},
    )
    assert response.status_code == 200
    assert response.json()["phone"] is None


async def test_a_phone_given_with_a_lid_sender_is_answered_normalised(service: Service) -> None:
    response = await react_in_group(service, phone=PHONE)
    assert response.status_code == 200
    assert response.json()["phone"] == "79001234567"


@pytest.mark.parametrize(
    "fields",
    [
        {},  # no chat, no sender
        {"chat": None, "sender": LID},
        {"chat": GROUP, "sender": None},
        {"chat": "status@broadcast", "sender": None},  # a broadcast list is not a person
        {"chat": GROUP, "sender": "120363025246125999@g.us"},  # a group is not a person
        {"chat": GROUP, "sender": "status@broadcast"},
    ],
)
async def test_without_a_phone_or_a_group_sender_it_is_422_naming_phone(service: Service, fields) -> None:
    response = await service.react(**{"phone": None, "chat": None, "sender": None, **fields})
    assert response.status_code == 422
    assert error_of(response)["field"] == "phone"
    assert error_of(response)["code"] == "missing_field"
    assert "sender" in error_of(response)["message"]
    assert service.sent() == 0


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"sender": "not a sender"}, "sender", "invalid_sender"),
        ({"sender": "user@"}, "sender", "invalid_sender"),
        ({"sender": "2045:x@lid"}, "sender", "invalid_sender"),
        ({"sender": "   "}, "sender", "invalid_sender"),
        ({"chat": GROUP, "sender": ""}, "sender", "invalid_sender"),
        ({"chat": "not a chat"}, "chat", "invalid_chat"),
        ({"chat": "@g.us"}, "chat", "invalid_chat"),
        ({"sender": 204586732453953}, "sender", "invalid_field"),
    ],
)
async def test_a_malformed_chat_or_sender_is_422_naming_it(service: Service, fields, field, code) -> None:
    for phone in (None, PHONE):
        response = await react_in_group(service, phone=phone, **fields)
        assert response.status_code == 422
        assert (error_of(response)["field"], error_of(response)["code"]) == (field, code)
    assert service.sent() == 0


async def test_a_malformed_sender_is_422_even_while_the_session_is_down(service: Service) -> None:
    service.factory.latest["default"].disconnect_event()
    response = await react_in_group(service, sender="not a sender")
    assert response.status_code == 422
    assert error_of(response)["field"] == "sender"


async def test_a_lid_sender_over_its_limit_gets_429_naming_the_sender_masked() -> None:
    async with running_service(rate_limit_per_phone_per_minute=2) as service:
        answers = [await react_in_group(service, messageId=f"m{i}") for i in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert 1 <= int(answers[2].headers["Retry-After"]) <= 60
        assert error_of(answers[2])["field"] == "sender"
        assert "2045*********53@lid" in error_of(answers[2])["message"]
        assert LID not in answers[2].text
        other_sender = await react_in_group(service, sender=OTHER_LID, messageId="m9")
        assert other_sender.status_code == 200
        assert service.sent() == 3


async def test_the_same_lid_from_another_device_shares_the_limit() -> None:
    async with running_service(rate_limit_per_phone_per_minute=1) as service:
        assert (await react_in_group(service, messageId="m1")).status_code == 200
        from_a_device = await react_in_group(service, sender="204586732453953:12@lid", messageId="m2")
        assert from_a_device.status_code == 429


async def test_a_phone_jid_sender_shares_the_limit_of_its_phone() -> None:
    async with running_service(rate_limit_per_phone_per_minute=1) as service:
        assert (await service.react(messageId="m1")).status_code == 200
        by_sender = await react_in_group(service, sender="79001234567@s.whatsapp.net", messageId="m2")
        assert by_sender.status_code == 429
        assert "79001234567" not in by_sender.text


async def test_a_repeat_without_a_phone_is_sent_once_and_not_counted_against_the_sender() -> None:
    async with running_service(rate_limit_per_phone_per_minute=1) as service:
        answers = [await react_in_group(service, messageId="3A20") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert len({a.text for a in answers}) == 1
        assert service.sent() == 1


async def test_the_same_message_id_from_another_sender_is_its_own_reaction(service: Service) -> None:
    assert (await react_in_group(service, messageId="3A30")).status_code == 200
    other = await react_in_group(service, sender=OTHER_LID, messageId="3A30")
    assert other.status_code == 200
    assert service.sent() == 2


async def test_an_idempotency_key_replays_a_reaction_without_a_phone(service: Service) -> None:
    first = await react_in_group(service, messageId="3A40", idempotency_key="k-lid")
    again = await react_in_group(service, messageId="3A40", idempotency_key="k-lid")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert service.sent() == 1
