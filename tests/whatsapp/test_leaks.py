"""Leaks: thousands of add/remove cycles leave nothing behind; a thousand sessions run at once."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
import weakref

import pytest

from spasibo.testing.whatsapp import FakeClientFactory, ManualClock
from spasibo.whatsapp import PoolSettings, SessionPool

from .conftest import CUSTOMER

CYCLES = 2000
WARM_UP_CYCLES = 200
MEMORY_GROWTH_LIMIT_BYTES = 256 * 1024  # ~130 bytes per cycle at most: a real per-session leak is kilobytes


async def one_cycle(pool: SessionPool, factory: FakeClientFactory, index: int) -> weakref.ref:
    company_id = f"company-{index % 7}"
    info = await pool.add_session(company_id, phone="+79001234567" if index % 3 == 0 else None)
    client = factory.latest.pop(company_id)
    if index % 2:
        client.pair_success()
        await info.wait_paired()
        await client.incoming_text("спасибо", chat=CUSTOMER, message_id=f"M{index}")
        await pool.send_reaction(company_id, CUSTOMER, "❤️", f"M{index}")
    await pool.remove_session(company_id)
    assert client.event.list_func == {}, "handlers left on a removed client"
    return weakref.ref(client)


@pytest.mark.slow
async def test_add_remove_cycles_leave_nothing_behind(tmp_path):
    clock = ManualClock()
    factory = FakeClientFactory()
    settings = PoolSettings(auth_database=str(tmp_path))
    async with SessionPool(settings, client_factory=factory, clock=clock.now, sleep=clock.sleep) as pool:
        tasks_before = len(asyncio.all_tasks())
        for i in range(WARM_UP_CYCLES):
            await one_cycle(pool, factory, i)
        gc.collect()
        tracemalloc.start()
        start, _ = tracemalloc.get_traced_memory()
        sample = []  # a few clients to check they are collected (keeping all would itself grow memory)
        for i in range(WARM_UP_CYCLES, CYCLES):
            client_ref = await one_cycle(pool, factory, i)
            if i % 100 == 0:
                sample.append(client_ref)
        gc.collect()
        end, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert pool.internal_sizes() == {
            "sessions": 0,
            "session_tasks": 0,
            "send_tasks": 0,
            "handlers": 0,
            "recent_messages": 0,
            "health_tasks": 1,
        }
        assert len(asyncio.all_tasks()) == tasks_before
        assert clock.sleepers == 1  # the health check only: no pairing timer or backoff left sleeping
        assert sum(ref() is not None for ref in sample) == 0, "removed clients are still referenced"
        assert end - start < MEMORY_GROWTH_LIMIT_BYTES, (
            f"grew {end - start} bytes over {CYCLES - WARM_UP_CYCLES}"
        )
        assert pool.stats().reactions_sent == CYCLES // 2


@pytest.mark.slow
async def test_a_thousand_sessions_connect_send_and_shut_down_together(tmp_path):
    factory = FakeClientFactory(configure=lambda client: setattr(client, "logged_in", True))
    settings = PoolSettings(auth_database=str(tmp_path), max_sessions=1000)
    pool = SessionPool(settings, client_factory=factory)
    await pool.start()
    tasks_before = len(asyncio.all_tasks())
    ids = [f"c{i}" for i in range(1000)]
    await asyncio.gather(*(pool.add_session(cid) for cid in ids))
    assert pool.stats().sessions_by_state == {"connected": 1000}
    results = await asyncio.gather(*(pool.send_reaction(cid, CUSTOMER, "❤️", f"M-{cid}") for cid in ids))
    assert all(result.ok for result in results)
    assert all(len(factory.latest[cid].sent) == 1 for cid in ids)
    await pool.shutdown()
    assert pool.internal_sizes()["sessions"] == 0
    assert len(asyncio.all_tasks()) <= tasks_before - 1  # the health task is gone too
    assert all(factory.latest[cid].event.list_func == {} for cid in ids)
