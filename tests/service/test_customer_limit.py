"""The per-customer limit counts whom a reaction really reaches, per company (issue 13, items 2 and 12), in
memory and in Redis.
"""

from __future__ import annotations

import asyncio

from service.support import running_service

CHAT = "79001234567@s.whatsapp.net"


async def test_thirty_phones_claimed_for_one_chat_share_that_chats_limit(
    shared_state: dict[str, str],
) -> None:
    async with running_service(**shared_state) as service:
        limit = service.settings.rate_limit_per_phone_per_minute
        statuses = [
            (await service.react(phone=f"+7900555{n:04d}", chat=CHAT, messageId=f"3A{n}")).status_code
            for n in range(30)
        ]
        assert statuses == [200] * limit + [429] * (30 - limit)
        assert service.sent() == limit


async def test_a_remembered_message_reached_through_other_phones_counts_for_its_own_chat(
    shared_state: dict[str, str],
) -> None:
    async with running_service(**shared_state, rate_limit_per_phone_per_minute=2) as service:
        await service.factory.latest["default"].incoming_text("Спасибо!", chat=CHAT, message_id="3ASEEN")
        statuses = [
            (await service.react(phone=f"+7900555{n:04d}", messageId="3ASEEN", emoji=e)).status_code
            for n, e in enumerate(["❤️", "👍", "🙏"])
        ]
        assert statuses == [200, 200, 429]
        assert {to.User for to, _ in service.factory.latest["default"].sent} == {"79001234567"}


async def test_a_429_names_the_chat_field_that_addressed_the_customer(shared_state: dict[str, str]) -> None:
    async with running_service(**shared_state, rate_limit_per_phone_per_minute=1) as service:
        await service.react(chat=CHAT, messageId="1")
        refused = await service.react(chat=CHAT, messageId="2")
        assert refused.status_code == 429
        assert refused.json()["error"]["field"] == "chat"


async def test_one_companys_reactions_leave_another_companys_limit_alone(
    shared_state: dict[str, str],
) -> None:
    async with running_service(
        **shared_state, rate_limit_per_phone_per_minute=1, companies=["acme", "globex"]
    ) as service:
        assert (await service.react(companyId="acme", messageId="1")).status_code == 200
        assert (await service.react(companyId="acme", messageId="2")).status_code == 429
        assert (await service.react(companyId="globex", messageId="3")).status_code == 200


async def test_failed_sends_do_not_use_the_customers_quota(shared_state: dict[str, str]) -> None:
    async with running_service(**shared_state, rate_limit_per_phone_per_minute=4) as service:
        client = service.factory.latest["default"]
        client.send_error = "server refused"
        for n in range(4):  # fewer than the breaker's threshold: every one reaches WhatsApp and fails
            assert (await service.react(messageId=f"F{n}")).status_code == 502
        client.send_error = None
        statuses = [(await service.react(messageId=f"OK{n}")).status_code for n in range(5)]
        assert statuses == [200] * 4 + [429]


async def test_refused_sends_do_not_use_the_customers_quota(shared_state: dict[str, str]) -> None:
    async with running_service(**shared_state, rate_limit_per_phone_per_minute=1) as service:
        service.factory.latest["default"].disconnect_event()
        await asyncio.sleep(0)
        for n in range(3):
            assert (await service.react(messageId=f"R{n}")).status_code == 503
        await service.pool.remove_session("default")
        await service.pool.add_session("default")
        assert (await service.react(messageId="OK1")).status_code == 200
        assert (await service.react(messageId="OK2")).status_code == 429
