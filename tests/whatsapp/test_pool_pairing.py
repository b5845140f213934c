"""Pairing: by QR, by phone code (requested after the first QR), timeout firing and cancelled."""

from __future__ import annotations

import pytest

from spasibo.testing.whatsapp import FAKE_PAIR_CODE, settle
from spasibo.whatsapp import (
    InvalidCompanyIdError,
    InvalidPhoneError,
    PairingFailedError,
    PairingTimeoutError,
    PoolClosedError,
    PoolFullError,
    PoolSettings,
    SessionExistsError,
    SessionPool,
    UnknownCompanyError,
)


async def test_add_session_exposes_the_qr_payload(pool, factory):
    info = await pool.add_session("acme")
    assert info.method == "qr"
    assert info.state == "pairing"
    assert info.qr
    assert info.qr.startswith("2@")


async def test_pairing_completes_when_the_phone_confirms(pool, factory):
    info = await pool.add_session("acme")
    factory.latest["acme"].pair_success()
    await info.wait_paired()
    assert pool.session("acme").state == "connected"


async def test_next_qr_returns_the_rotated_code(pool, factory):
    info = await pool.add_session("acme")
    first = info.qr
    waiting = info.next_qr()
    factory.latest["acme"].show_qr("2@second")
    assert await waiting == "2@second" != first


async def test_phone_pairing_requests_a_code_after_the_first_qr(pool, factory):
    info = await pool.add_session("acme", phone="8 900 123-45-67")
    client = factory.latest["acme"]
    assert info.method == "phone"
    assert info.pair_code == FAKE_PAIR_CODE
    assert client.pair_phone_calls == ["79001234567"]
    assert pool.session("acme").phone_masked == "7900*****67"


async def test_phone_code_is_requested_only_once_across_qr_rotations(pool, factory):
    await pool.add_session("acme", phone="+79001234567")
    client = factory.latest["acme"]
    client.show_qr("2@rotated")
    await settle()
    assert client.pair_phone_calls == ["79001234567"]


async def test_failed_code_request_is_reported_not_raised(pool, factory):
    factory.configure = lambda client: setattr(client, "pair_phone_error", "rate-overlimit")
    info = await pool.add_session("acme", phone="+79001234567")
    assert info.pair_code is None
    assert "rate-overlimit" in (info.last_error or "")


async def test_stored_login_connects_without_a_qr(pool, factory):
    factory.configure = lambda client: setattr(client, "logged_in", True)
    info = await pool.add_session("acme")
    assert info.state == "connected"
    assert info.qr is None


async def test_pairing_timeout_stops_the_half_open_client_and_tells_the_caller(
    pool, factory, clock, settings
):
    info = await pool.add_session("acme")
    client = factory.latest["acme"]
    await clock.advance(settings.pairing_timeout_s)
    with pytest.raises(PairingTimeoutError, match="60"):
        await info.wait_paired()
    session = pool.session("acme")
    assert (session.state, session.terminal_reason) == ("failed", "pairing timed out after 60 s")
    assert client.stop_calls >= 1
    assert client.event.list_func == {}


async def test_pairing_timeout_is_cancelled_on_success(pool, factory, clock, settings):
    info = await pool.add_session("acme")
    factory.latest["acme"].pair_success()
    await info.wait_paired()
    await clock.advance(settings.pairing_timeout_s * 2)
    assert pool.session("acme").state == "connected"
    assert clock.sleepers == 1  # only the health check still sleeps


async def test_pairing_timeout_is_cancelled_on_removal(pool, factory, clock, settings):
    info = await pool.add_session("acme")
    await pool.remove_session("acme")
    with pytest.raises(PairingFailedError, match="removed"):
        await info.wait_paired()
    assert clock.sleepers == 1


async def test_second_session_for_a_company_is_refused(pool):
    await pool.add_session("acme")
    with pytest.raises(SessionExistsError, match="acme"):
        await pool.add_session("acme")


@pytest.mark.parametrize("company_id", ["", "a b", "../etc", "-x", "x" * 65, "ацме"])
async def test_bad_company_id_is_refused(pool, company_id):
    with pytest.raises(InvalidCompanyIdError, match="company_id"):
        await pool.add_session(company_id)
    assert pool.sessions() == []


async def test_bad_phone_is_refused_before_any_client_exists(pool, factory):
    with pytest.raises(InvalidPhoneError, match="phone"):
        await pool.add_session("acme", phone="123")
    assert factory.created == 0


async def test_pool_refuses_more_than_max_sessions(factory, tmp_path):
    settings = PoolSettings(auth_database=str(tmp_path), max_sessions=1)
    async with SessionPool(settings, client_factory=factory) as pool:
        await pool.add_session("a")
        with pytest.raises(PoolFullError):
            await pool.add_session("b")


async def test_unstarted_pool_refuses_work(factory):
    pool = SessionPool(client_factory=factory)
    with pytest.raises(PoolClosedError, match="async with"):
        await pool.add_session("acme")


async def test_removing_an_unknown_company_says_so(pool):
    with pytest.raises(UnknownCompanyError, match="nobody"):
        await pool.remove_session("nobody")


async def test_logout_logs_out_and_removes_the_session(pool, factory):
    from .conftest import connect

    client = await connect(pool, factory)
    await pool.logout("acme")
    assert client.logout_calls == 1
    assert not client.logged_in
    assert pool.sessions() == []


async def test_logout_of_an_unconnected_session_says_so_and_still_removes_it(pool):
    from spasibo.whatsapp import LogoutFailedError

    await pool.add_session("acme")
    with pytest.raises(LogoutFailedError, match="not connected"):
        await pool.logout("acme")
    assert pool.sessions() == []
