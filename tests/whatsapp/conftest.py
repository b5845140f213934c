"""Fixtures for the WhatsApp pool tests: a pool on fake clients and a manual clock, started and shut down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from spasibo.testing.whatsapp import FakeClientFactory, FakeWhatsAppClient, ManualClock
from spasibo.whatsapp import PoolSettings, SessionPool

GROUP = "120363025246125888@g.us"
CUSTOMER = "79001234567@s.whatsapp.net"
LID_CUSTOMER = "204586732453953@lid"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def factory() -> FakeClientFactory:
    return FakeClientFactory()


@pytest.fixture
def settings(tmp_path: Path) -> PoolSettings:
    return PoolSettings(auth_database=str(tmp_path / "auth"), reconnect_jitter_ratio=0.0)


@pytest.fixture
async def pool(
    settings: PoolSettings, factory: FakeClientFactory, clock: ManualClock
) -> AsyncIterator[SessionPool]:
    async with SessionPool(settings, client_factory=factory, clock=clock.now, sleep=clock.sleep) as started:
        yield started


async def connect(
    pool: SessionPool, factory: FakeClientFactory, company_id: str = "acme"
) -> FakeWhatsAppClient:
    """Add a session and complete its pairing; return its fake client."""
    info = await pool.add_session(company_id)
    client = factory.latest[company_id]
    client.pair_success()
    await info.wait_paired()
    return client
