"""Reconnects with bounded, exponential, jittered backoff; terminal states never retry."""

from __future__ import annotations

import random

import pytest

from spasibo.testing.whatsapp import settle
from spasibo.whatsapp import PoolSettings, SessionPool

from .conftest import connect


async def test_drop_reconnects_after_the_base_delay(pool, factory, clock):
    client = await connect(pool, factory)
    client.disconnect_event()
    await settle()
    assert pool.session("acme").state == "reconnecting"
    await clock.advance(5)
    client.pair_success()
    await settle()
    assert pool.session("acme").state == "connected"
    assert client.connect_calls == 2
    assert pool.stats().reconnects == 1


async def test_failed_reconnects_back_off_exponentially_then_go_offline(pool, factory, clock, settings):
    client = await connect(pool, factory)
    client.connect_failures = 99
    client.disconnect_event()
    await settle()
    for _ in range(settings.reconnect_max_attempts):
        await clock.advance(settings.reconnect_max_delay_s)
    backoff = [s for s in clock.sleeps if s not in (settings.pairing_timeout_s, settings.health_interval_s)]
    assert backoff[:5] == [5, 10, 20, 40, 80]
    session = pool.session("acme")
    assert session.state == "offline"
    assert session.terminal_reason is None
    assert "no such host" in (session.last_error or "")


async def test_an_offline_session_retries_on_the_slow_schedule(pool, factory, clock, settings):
    client = await connect(pool, factory)
    client.connect_failures = 99
    client.disconnect_event()
    await clock.advance(sum([5, 10, 20, 40, 80]))
    calls = client.connect_calls
    for _ in range(3):
        await clock.advance(settings.offline_retry_interval_s)
    assert client.connect_calls == calls + 3
    assert [s for s in clock.sleeps if s == settings.offline_retry_interval_s][:3] == [300.0] * 3


async def test_a_session_offline_longer_than_the_fast_attempts_recovers_when_the_network_returns(
    pool, factory, clock, settings
):
    client = await connect(pool, factory)
    client.connect_failures = 99
    client.disconnect_event()
    await clock.advance(sum([5, 10, 20, 40, 80]) + 5 * settings.offline_retry_interval_s)
    assert pool.session("acme").state == "offline"
    client.connect_failures = 0  # the network is back
    client.logged_in = True
    await clock.advance(settings.offline_retry_interval_s)
    session = pool.session("acme")
    assert (session.state, session.reconnect_attempt, session.last_error) == ("connected", 0, None)


async def test_a_stored_login_offline_at_start_up_is_never_timed_out_as_unpaired(
    pool, factory, clock, settings
):
    def offline_with_login(client):
        client.logged_in, client.connect_failures = True, 99

    factory.configure = offline_with_login
    await pool.add_session("acme")
    await clock.advance(settings.pairing_timeout_s * 20)
    assert pool.session("acme").state == "offline"
    factory.latest["acme"].connect_failures = 0
    await clock.advance(settings.offline_retry_interval_s * 1.5)
    assert pool.session("acme").state == "connected"


async def test_the_offline_schedule_is_jittered_within_the_ratio(factory, clock, tmp_path):
    settings = PoolSettings(auth_database=str(tmp_path), reconnect_jitter_ratio=0.2)
    async with SessionPool(
        settings, client_factory=factory, clock=clock.now, sleep=clock.sleep, rng=random.Random(7)
    ) as pool:
        delays = [pool._offline_retry_s() for _ in range(200)]
    assert 240.0 <= min(delays) < 250.0
    assert 350.0 < max(delays) <= 360.0


async def test_a_terminal_state_is_reported_once_with_its_reason(factory, clock, settings):
    reported = []

    async def on_terminal(info):
        reported.append((info.company_id, info.state, info.terminal_reason))

    async with SessionPool(
        settings, client_factory=factory, clock=clock.now, sleep=clock.sleep, on_session_terminal=on_terminal
    ) as pool:
        client = await connect(pool, factory)
        client.logged_out_event()
        await settle()
    assert reported == [("acme", "logged_out", "logged out by WhatsApp (LOGGED_OUT)")]


async def test_backoff_is_capped_by_the_max_delay(factory, clock, tmp_path):
    settings = PoolSettings(
        auth_database=str(tmp_path),
        reconnect_max_attempts=4,
        reconnect_base_delay_s=5,
        reconnect_max_delay_s=12,
        reconnect_jitter_ratio=0,
    )
    async with SessionPool(settings, client_factory=factory, clock=clock.now, sleep=clock.sleep) as pool:
        client = await connect(pool, factory)
        client.connect_failures = 99
        client.disconnect_event()
        for _ in range(4):
            await clock.advance(12)
        assert [s for s in clock.sleeps if s < 60] == [5, 10, 12, 12]


async def test_jitter_spreads_delays_within_the_ratio(factory, clock, tmp_path):
    settings = PoolSettings(auth_database=str(tmp_path), reconnect_jitter_ratio=0.2)
    async with SessionPool(
        settings, client_factory=factory, clock=clock.now, sleep=clock.sleep, rng=random.Random(7)
    ) as pool:
        delays = [pool._backoff_s(1) for _ in range(200)]
    assert 4.0 <= min(delays) < 4.5
    assert 5.5 < max(delays) <= 6.0


async def test_offline_first_connect_is_a_retryable_failure(pool, factory, clock):
    factory.configure = lambda client: setattr(client, "connect_failures", 1)
    info = await pool.add_session("acme")
    assert info.state == "reconnecting"
    assert "no such host" in (info.last_error or "")
    await clock.advance(5)
    assert pool.session("acme").state == "pairing"  # the retry connected and showed a QR


async def test_reconnect_after_a_stable_connection_starts_a_fresh_series(pool, factory, clock, settings):
    client = await connect(pool, factory)
    for _ in range(3):
        await clock.advance(settings.stable_connection_s)
        client.disconnect_event()
        await settle()
        await clock.advance(5)
        client.pair_success()
        await settle()
    assert pool.session("acme").state == "connected"
    assert [s for s in clock.sleeps if s < 60] == [5, 5, 5]


@pytest.mark.parametrize(
    ("trigger", "state", "reason"),
    [
        ("logged_out_event", "logged_out", "logged out by WhatsApp (LOGGED_OUT)"),
        ("stream_replaced_event", "replaced", "stream replaced: another client logged in with this account"),
        (
            "temporary_ban_event",
            "banned",
            "temporarily banned: SENT_TOO_MANY_SAME_MESSAGE, expires in 3600 s",
        ),
    ],
)
async def test_terminal_events_stop_the_session_without_retry(pool, factory, clock, trigger, state, reason):
    client = await connect(pool, factory)
    getattr(client, trigger)()
    await settle()
    await clock.advance(3600)
    session = pool.session("acme")
    assert (session.state, session.terminal_reason) == (state, reason)
    assert client.connect_calls == 1
    assert client.stop_calls >= 1
    assert client.event.list_func == {}
    assert pool.stats().reconnects == 0


async def test_terminal_session_can_be_removed_and_added_again(pool, factory):
    client = await connect(pool, factory)
    client.logged_out_event()
    await settle()
    await pool.remove_session("acme")
    info = await pool.add_session("acme")
    assert info.state == "pairing"


async def test_health_check_detects_a_silent_disconnect_and_reconnects(pool, factory, clock, settings):
    client = await connect(pool, factory)
    client.connected = False  # neonize's is_connected turns False without a Disconnected event
    await clock.advance(settings.health_interval_s)
    assert pool.session("acme").state == "reconnecting"
    await clock.advance(5)
    client.pair_success()
    await settle()
    assert pool.session("acme").state == "connected"


async def test_health_check_records_active_and_total(pool, factory, clock, settings):
    await connect(pool, factory, "a")
    await pool.add_session("b")
    await clock.advance(settings.health_interval_s * 2)
    assert pool.stats().health_checks == 2
    assert pool._counters.last_health == {"active": 1, "total": 2}


async def test_health_task_is_cancelled_on_shutdown(factory, clock, tmp_path):
    pool = SessionPool(
        PoolSettings(auth_database=str(tmp_path)), client_factory=factory, clock=clock.now, sleep=clock.sleep
    )
    await pool.start()
    health = pool._health_task
    assert health is not None
    assert not health.done()
    await pool.shutdown()
    assert health.cancelled()
    assert clock.sleepers == 0


async def test_removal_cancels_a_pending_reconnect(pool, factory, clock):
    client = await connect(pool, factory)
    client.disconnect_event()
    await clock.advance(1)  # the supervisor now sleeps in its backoff
    await pool.remove_session("acme")
    await clock.advance(3600)
    assert client.connect_calls == 1
    assert clock.sleepers == 1  # only the health check
    assert pool.internal_sizes()["session_tasks"] == 0


async def test_a_flapping_connection_backs_off_to_the_slow_schedule_and_never_fails(
    pool, factory, clock, settings
):
    client = await connect(pool, factory)
    for _ in range(8):  # connects, drops at once, reconnects: each reconnect would leak a neonize handle
        client.disconnect_event()
        await clock.advance(settings.offline_retry_interval_s)
        client.pair_success()
        await settle()
    assert [s for s in clock.sleeps if s not in (settings.pairing_timeout_s, settings.health_interval_s)] == [
        5,
        10,
        20,
        40,
        80,
        300,
        300,
        300,
    ]
    session = pool.session("acme")
    assert (session.state, session.terminal_reason, session.connects) == ("connected", None, 9)
