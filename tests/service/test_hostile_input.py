"""Hostile input is refused with 422 naming the field before it reaches the pool (issue 13, items 1, 4, 12).

Bodies are written as raw JSON here: a lone surrogate such as ``\\ud800`` is valid JSON text but not valid
UTF-8, so a JSON library would refuse to encode it on the client side.
"""

from __future__ import annotations

import json

import pytest

from service.support import Service, running_service

VALID = {"phone": "79001234567", "emoji": "❤️", "messageId": "3A0001"}
SURROGATE = "\\ud800"  # as it appears in the JSON text


async def post_raw(service: Service, body: str):
    return await service.client.post(
        "/reaction", content=body.encode(), headers={"Content-Type": "application/json"}
    )


def with_raw(field: str, raw_value: str) -> str:
    """``VALID`` (plus a group chat for ``sender``) as JSON with ``field`` set to the JSON text
    ``raw_value``.
    """
    group = {"chat": "120363025246125888@g.us", "sender": "204586732453953@lid"}
    fields = {**VALID, **group} if field in group else dict(VALID)
    parts = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in fields.items() if k != field]
    return "{" + ", ".join([*parts, f'"{field}": {raw_value}']) + "}"


async def test_a_lone_surrogate_in_message_id_is_422_and_never_opens_the_breaker() -> None:
    async with running_service() as service:
        threshold = service.pool.settings.breaker_failure_threshold
        for attempt in range(threshold + 2):
            response = await post_raw(service, with_raw("messageId", f'"3A{SURROGATE}{attempt}"'))
            assert response.status_code == 422
            assert response.json()["error"]["field"] == "messageId"
        assert service.pool.breaker_state("default") == "closed"
        assert (await service.react(phone="79001234568")).status_code == 200  # other customers unharmed


@pytest.mark.parametrize(
    ("field", "raw_value"),
    [
        ("messageId", f'"{SURROGATE}"'),
        ("messageId", '"3A\\u0000"'),
        ("phone", f'"7900123456{SURROGATE}"'),
        ("emoji", f'"{SURROGATE}"'),
        ("companyId", f'"acme{SURROGATE}"'),
        ("chat", f'"7900{SURROGATE}@s.whatsapp.net"'),
        ("sender", f'"2045{SURROGATE}@lid"'),
    ],
)
async def test_a_lone_surrogate_or_control_character_in_any_field_is_422_naming_it(
    service: Service, field: str, raw_value: str
) -> None:
    response = await post_raw(service, with_raw(field, raw_value))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert service.sent() == 0


@pytest.mark.parametrize(
    "jid",
    [
        "79001234567:-1@s.whatsapp.net",  # a device below zero
        "79001234567:4294967296@s.whatsapp.net",  # beyond unsigned 32 bits
        "79001234567:65536@s.whatsapp.net",  # beyond WhatsApp's 16-bit device numbers
        "79001234567.256:1@s.whatsapp.net",  # beyond the 8-bit agent
        "79001234567:+1@s.whatsapp.net",
        "79001234567:١@s.whatsapp.net",  # an Arabic-Indic digit int() would accept
        "7900 1234567@s.whatsapp.net",
        "x" * 200 + "@s.whatsapp.net",
    ],
)
@pytest.mark.parametrize("field", ["chat", "sender"])
async def test_a_bad_jid_is_422_naming_its_field(service: Service, field: str, jid: str) -> None:
    response = await service.react(
        phone=None,
        chat=jid if field == "chat" else "120363025246125888@g.us",
        sender=jid if field == "sender" else None,
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["code"] == f"invalid_{field}"
    assert service.sent() == 0


async def test_the_largest_device_number_whatsapp_uses_is_accepted(service: Service) -> None:
    response = await service.react(phone=None, chat="79001234567:65535@s.whatsapp.net")
    assert response.status_code == 200


async def test_an_empty_company_id_is_422_not_the_default_company(service: Service) -> None:
    response = await service.react(companyId="")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "companyId"
    assert service.sent() == 0
