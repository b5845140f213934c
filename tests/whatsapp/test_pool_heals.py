"""A session with a stored login heals from any outage: no terminal state, no neonize connect while offline.

Every neonize connect leaks a database handle (docs/architecture.md), so the pool probes WhatsApp's
reachability before each reconnect; these tests take the fake network down with ``factory.network.up``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from spasibo.testing.whatsapp import FakeClientFactory, ManualClock
from spasibo.whatsapp import PoolSettings, SessionPool

from .conftest import connect

OLD_CONNECT_BUDGET = 200  # connects after which the pool used to make a session terminal ("failed")
FAST_DELAYS_S = (5, 10, 20, 40, 80)


@pytest.fixture
async def pool(
    settings: PoolSettings, factory: FakeClientFactory, clock: ManualClock
) -> AsyncIterator[SessionPool]:
    async with SessionPool(
        settings, client_factory=factory, reach=factory.network.reach, clock=clock.now, sleep=clock.sleep
    ) as started:
        yield started


async def test_an_outage_longer_than_the_fast_attempts_and_the_old_budget_heals_without_a_leak(
    pool, factory, clock, settings
):
    client = await connect(pool, factory)
    await clock.advance(settings.stable_connection_s)
    factory.network.up = False
    client.disconnect_event()
    outage_ticks = OLD_CONNECT_BUDGET + 50  # ~21 h on the slow schedule
    await clock.advance(sum(FAST_DELAYS_S) + outage_ticks * settings.offline_retry_interval_s)
    session = pool.session("acme")
    assert (session.state, session.terminal_reason) == ("offline", None)
    assert session.reconnect_attempt > OLD_CONNECT_BUDGET
    assert "WhatsApp unreachable" in (session.last_error or "")
    assert session.connects == 1  # the outage cost no neonize connect, so no handle leaked
    assert pool.stats().unreachable == factory.network.probes > OLD_CONNECT_BUDGET

    factory.network.up = True
    await clock.advance(settings.offline_retry_interval_s)
    session = pool.session("acme")
    assert (session.state, session.reconnect_attempt, session.last_error) == ("connected", 0, None)
    assert (session.connects, client.connect_calls) == (2, 2)


async def test_a_reachable_but_failing_whatsapp_is_retried_on_the_slow_schedule(
    pool, factory, clock, settings
):
    client = await connect(pool, factory)
    await clock.advance(settings.stable_connection_s)
    client.connect_failures = 10**6  # the probe gets through, WhatsApp's handshake does not
    client.disconnect_event()
    await clock.advance(sum(FAST_DELAYS_S) + 10 * settings.offline_retry_interval_s)
    session = pool.session("acme")
    assert (session.state, session.terminal_reason) == ("offline", None)
    # the leak is bounded by the schedule: one connect per attempt, none in between
    assert session.connects == 1 + len(FAST_DELAYS_S) + 10
    client.connect_failures = 0
    await clock.advance(settings.offline_retry_interval_s)
    assert pool.session("acme").state == "connected"


async def test_a_paired_session_offline_past_the_pairing_timeout_is_not_timed_out(
    pool, factory, clock, settings
):
    client = await connect(pool, factory)
    await clock.advance(settings.stable_connection_s)
    factory.network.up = False
    client.disconnect_event()
    await clock.advance(settings.pairing_timeout_s * 100)
    assert pool.session("acme").terminal_reason is None


async def test_an_unpaired_session_still_times_out(pool, factory, clock, settings):
    info = await pool.add_session("acme")  # no stored login: WhatsApp shows a QR
    assert info.state == "pairing"
    await clock.advance(settings.pairing_timeout_s)
    session = pool.session("acme")
    assert (session.state, session.terminal_reason) == ("failed", "pairing timed out after 60 s")


async def test_a_stored_login_offline_at_start_up_spends_one_connect_until_the_network_returns(
    pool, factory, clock, settings
):
    factory.configure = lambda client: setattr(client, "logged_in", True)
    factory.network.up = False
    await pool.add_session("acme")
    await clock.advance(sum(FAST_DELAYS_S) + 20 * settings.offline_retry_interval_s)
    assert (pool.session("acme").state, pool.session("acme").connects) == ("offline", 1)
    factory.network.up = True
    await clock.advance(settings.offline_retry_interval_s)
    assert pool.session("acme").state == "connected"


async def test_the_real_client_is_probed_by_default_and_a_custom_factory_is_not(tmp_path):
    settings = PoolSettings(auth_database=str(tmp_path))
    assert SessionPool(settings)._reach is not None
    assert SessionPool(settings, client_factory=FakeClientFactory())._reach is None
    assert SessionPool(settings.model_copy(update={"reach_host": None}))._reach is None
