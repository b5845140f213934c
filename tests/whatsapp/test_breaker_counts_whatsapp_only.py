"""Only WhatsApp's own failures count towards a company's circuit breaker (issue 13, item 1)."""

from __future__ import annotations

import pytest

from spasibo.testing.whatsapp import FakeClientFactory, FakeWhatsAppClient
from spasibo.whatsapp.errors import InvalidMessageIdError, SendFailedError
from spasibo.whatsapp.pool import SessionPool
from spasibo.whatsapp.settings import PoolSettings

CHAT = "79001234567@s.whatsapp.net"


def logged_in(client: FakeWhatsAppClient) -> None:
    client.logged_in = True


async def test_a_lone_surrogate_message_id_is_refused_before_neonize_builds_the_reaction() -> None:
    factory = FakeClientFactory(configure=logged_in)  # real_build: neonize's own build_reaction
    async with SessionPool(PoolSettings(), client_factory=factory) as pool:
        await pool.add_session("acme")
        for _ in range(pool.settings.breaker_failure_threshold + 1):
            with pytest.raises(InvalidMessageIdError):
                await pool.send_reaction("acme", CHAT, "❤️", "3A\ud800")
        assert pool.breaker_state("acme") == "closed"
        assert (await pool.send_reaction("acme", CHAT, "❤️", "3A01")).ok


async def test_a_reaction_that_fails_to_encode_here_does_not_open_the_breaker() -> None:
    def encoding_fails(client: FakeWhatsAppClient) -> None:
        client.logged_in = True

        async def build_reaction(*args: object) -> object:
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

        client.build_reaction = build_reaction  # type: ignore[method-assign]

    async with SessionPool(
        PoolSettings(), client_factory=FakeClientFactory(configure=encoding_fails)
    ) as pool:
        await pool.add_session("acme")
        for _ in range(pool.settings.breaker_failure_threshold + 1):
            with pytest.raises(SendFailedError):
                await pool.send_reaction("acme", CHAT, "❤️", "3A01")
        assert pool.breaker_state("acme") == "closed"


async def test_whatsapp_refusing_sends_opens_the_breaker() -> None:
    def refusing(client: FakeWhatsAppClient) -> None:
        client.logged_in = True
        client.send_error = "server refused"

    async with SessionPool(PoolSettings(), client_factory=FakeClientFactory(configure=refusing)) as pool:
        await pool.add_session("acme")
        for _ in range(pool.settings.breaker_failure_threshold):
            with pytest.raises(SendFailedError):
                await pool.send_reaction("acme", CHAT, "❤️", "3A01")
        assert pool.breaker_state("acme") == "open"
