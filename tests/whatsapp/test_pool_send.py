"""Sending reactions through the pool: addressing, validation, breaker, shutdown with sends in flight."""

from __future__ import annotations

import asyncio

import pytest

from spasibo.errors import ReactionError
from spasibo.testing.whatsapp import settle
from spasibo.whatsapp import (
    CircuitOpenError,
    InvalidEmojiError,
    InvalidMessageIdError,
    PoolSettings,
    SendFailedError,
    SessionNotConnectedError,
    SessionPool,
    UnknownCompanyError,
    UnknownGroupMessageError,
)

from .conftest import CUSTOMER, GROUP, LID_CUSTOMER, connect


def sent_key(client, index=-1):
    return client.sent[index][1].reactionMessage.key


async def test_reaction_on_a_seen_group_message_names_its_sender(pool, factory):
    client = await connect(pool, factory)
    await client.incoming_text("Спасибо!", chat=GROUP, sender=LID_CUSTOMER, message_id="G1")
    result = await pool.send_reaction("acme", GROUP, "❤️", "G1")
    assert result.ok
    assert result.transport == "whatsapp"
    assert result.detail
    key = sent_key(client)
    assert (key.remoteJID, key.participant, key.ID, key.fromMe) == (GROUP, LID_CUSTOMER, "G1", False)
    assert client.sent[-1][1].reactionMessage.text == "❤️"


async def test_reaction_by_phone_on_a_seen_lid_chat_uses_the_lid(pool, factory):
    client = await connect(pool, factory)
    await client.incoming_text("спасибо", chat=LID_CUSTOMER, message_id="L1")
    await pool.send_reaction("acme", "+79001234567", "👍", "L1")
    assert sent_key(client).remoteJID == LID_CUSTOMER


async def test_unknown_message_with_only_a_phone_goes_to_the_direct_chat(pool, factory):
    client = await connect(pool, factory)
    await pool.send_reaction("acme", "89001234567", "🙏", "D1")
    key = sent_key(client)
    assert (key.remoteJID, key.fromMe, key.participant) == (CUSTOMER, False, "")


async def test_unknown_group_message_is_refused_and_nothing_is_sent(pool, factory):
    client = await connect(pool, factory)
    with pytest.raises(UnknownGroupMessageError, match="sender"):
        await pool.send_reaction("acme", GROUP, "❤️", "unknown")
    assert client.sent == []


async def test_empty_emoji_removes_the_reaction(pool, factory):
    client = await connect(pool, factory)
    await pool.send_reaction("acme", CUSTOMER, "", "M1")
    assert client.sent[-1][1].reactionMessage.text == ""


@pytest.mark.parametrize("emoji", ["❤️❤️", "ok", " "])
async def test_invalid_emoji_is_refused(pool, factory, emoji):
    await connect(pool, factory)
    with pytest.raises(InvalidEmojiError, match="emoji"):
        await pool.send_reaction("acme", CUSTOMER, emoji, "M1")


@pytest.mark.parametrize("message_id", ["", "   ", "x" * 129])
async def test_invalid_message_id_is_refused(pool, factory, message_id):
    await connect(pool, factory)
    with pytest.raises(InvalidMessageIdError, match="message_id"):
        await pool.send_reaction("acme", CUSTOMER, "❤️", message_id)


async def test_unknown_company_is_an_unknown_company_error(pool):
    with pytest.raises(UnknownCompanyError, match="nobody"):
        await pool.send_reaction("nobody", CUSTOMER, "❤️", "M1")


async def test_sending_while_pairing_is_a_retryable_not_connected_error(pool):
    await pool.add_session("acme")
    with pytest.raises(SessionNotConnectedError) as caught:
        await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")
    assert caught.value.retryable
    assert caught.value.state == "pairing"


async def test_sending_on_a_logged_out_session_is_not_retryable(pool, factory):
    client = await connect(pool, factory)
    client.logged_out_event()
    await settle()
    with pytest.raises(SessionNotConnectedError, match="logged out") as caught:
        await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")
    assert not caught.value.retryable


async def test_neonize_send_error_becomes_a_retryable_reaction_error(pool, factory):
    client = await connect(pool, factory)
    client.send_error = "server returned error 479"
    with pytest.raises(SendFailedError, match="479") as caught:
        await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")
    assert isinstance(caught.value, ReactionError)
    assert caught.value.retryable
    assert pool.stats().reactions_failed == 1


async def test_breaker_opens_after_consecutive_failures_then_fails_fast(pool, factory, settings):
    client = await connect(pool, factory)
    client.send_error = "timeout"
    for _ in range(settings.breaker_failure_threshold):
        with pytest.raises(SendFailedError):
            await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")
    client.send_error = None
    with pytest.raises(CircuitOpenError) as caught:
        await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")
    assert caught.value.retry_after_s == settings.breaker_cooldown_s
    assert pool.session("acme").breaker_state == "open"
    assert pool.stats().breaker_opens == 1
    assert pool.stats().breakers_by_state == {"open": 1}
    assert client.sent == []


async def test_breaker_half_opens_after_cooldown_and_a_successful_trial_closes_it(
    pool, factory, clock, settings
):
    client = await connect(pool, factory)
    client.send_error = "timeout"
    for _ in range(settings.breaker_failure_threshold):
        with pytest.raises(SendFailedError):
            await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")
    await clock.advance(settings.breaker_cooldown_s)
    assert pool.session("acme").breaker_state == "half_open"
    client.send_error = None
    assert (await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")).ok
    assert pool.session("acme").breaker_state == "closed"


async def test_send_that_hangs_fails_after_the_send_timeout(factory, tmp_path):
    settings = PoolSettings(auth_database=str(tmp_path), send_timeout_s=0.05)
    async with SessionPool(settings, client_factory=factory) as pool:
        client = await connect(pool, factory)
        client.send_gate = asyncio.Event()  # never opened
        with pytest.raises(SendFailedError):
            await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")


async def test_shutdown_lets_in_flight_sends_finish_within_the_deadline(factory, tmp_path):
    async with SessionPool(
        PoolSettings(auth_database=str(tmp_path), shutdown_deadline_s=5), client_factory=factory
    ) as pool:
        client = await connect(pool, factory)
        client.send_gate = asyncio.Event()
        sends = [asyncio.create_task(pool.send_reaction("acme", CUSTOMER, "❤️", f"M{i}")) for i in range(3)]
        await settle()
        shutting_down = asyncio.create_task(pool.shutdown())
        await settle()
        client.send_gate.set()
        await shutting_down
    assert all(task.result().ok for task in sends)
    assert len(client.sent) == 3


async def test_shutdown_fails_sends_still_running_at_the_deadline_with_a_clear_error(factory, tmp_path):
    settings = PoolSettings(auth_database=str(tmp_path), shutdown_deadline_s=0.05)
    pool = SessionPool(settings, client_factory=factory)
    await pool.start()
    client = await connect(pool, factory)
    client.send_gate = asyncio.Event()  # never opened: the send hangs
    send = asyncio.create_task(pool.send_reaction("acme", CUSTOMER, "❤️", "M1"))
    await settle()
    await pool.shutdown()
    with pytest.raises(SendFailedError, match="shut down"):
        await send
    assert pool.internal_sizes()["send_tasks"] == 0


async def test_new_sends_are_refused_once_shutdown_began(factory, tmp_path):
    pool = SessionPool(PoolSettings(auth_database=str(tmp_path)), client_factory=factory)
    await pool.start()
    await connect(pool, factory)
    await pool.shutdown()
    with pytest.raises(ReactionError, match="not running"):
        await pool.send_reaction("acme", CUSTOMER, "❤️", "M1")


class Recorder(list):
    """An async callback that records what it is called with."""

    async def __call__(self, item):
        self.append(item)


async def test_incoming_message_is_fed_to_the_pipeline(factory, settings):
    fed = Recorder()
    async with SessionPool(settings, client_factory=factory, on_message=fed) as pool:
        client = await connect(pool, factory)
        await client.incoming_text("Спасибо большое!", chat=GROUP, sender=LID_CUSTOMER, message_id="F1")
    assert [(m.company_id, m.chat, m.sender, m.text, m.is_group) for m in fed] == [
        ("acme", GROUP, LID_CUSTOMER, "Спасибо большое!", True)
    ]


async def test_incoming_customer_reaction_is_surfaced_as_an_event(factory, settings):
    reactions = Recorder()
    async with SessionPool(settings, client_factory=factory, on_reaction=reactions) as pool:
        client = await connect(pool, factory)
        await client.incoming_reaction("👍", chat=CUSTOMER, target_message_id="OUR1")
        assert pool.stats().reactions_received == 1
    assert [(r.company_id, r.chat, r.message_id, r.emoji) for r in reactions] == [
        ("acme", CUSTOMER, "OUR1", "👍")
    ]


async def test_failing_pipeline_does_not_break_the_session(factory, tmp_path):
    async def feed(message):
        raise RuntimeError("pipeline bug")

    async with SessionPool(
        PoolSettings(auth_database=str(tmp_path)), client_factory=factory, on_message=feed
    ) as pool:
        client = await connect(pool, factory)
        await client.incoming_text("спасибо", chat=CUSTOMER, message_id="P1")
        assert pool.session("acme").state == "connected"
        assert (await pool.send_reaction("acme", CUSTOMER, "❤️", "P1")).ok
