"""Lifecycle calls into neonize never overlap, and the executor has a thread for every live client."""

from __future__ import annotations

import asyncio
import threading

import pytest

from spasibo.models import IncomingMessage, ReactionRequest
from spasibo.testing.whatsapp import FakeClientFactory, FakeWhatsAppClient
from spasibo.whatsapp import PoolSettings, SessionPool, WhatsAppTransport

from .conftest import CUSTOMER, connect


class Overlap:
    """Counts lifecycle calls in progress across all clients; remembers the most at once."""

    def __init__(self) -> None:
        self.busy = 0
        self.most = 0

    async def during(self, rounds: int = 3) -> None:
        self.busy += 1
        self.most = max(self.most, self.busy)
        for _ in range(rounds):
            await asyncio.sleep(0)
        self.busy -= 1


class SlowRegisteringClient(FakeWhatsAppClient):
    """Like neonize: connect() returns at once, the Go side registers the client a little later."""

    overlap: Overlap

    async def connect(self, proxy_settings=None):
        self.auto_events = False
        task = await super().connect(proxy_settings)
        self.overlap.busy += 1
        self.overlap.most = max(self.overlap.most, self.overlap.busy)

        async def register_then_show_qr() -> None:
            for _ in range(5):
                await asyncio.sleep(0)
            self.overlap.busy -= 1
            self.show_qr()

        self._track(register_then_show_qr())
        return task

    async def stop(self):
        await self.overlap.during()
        await super().stop()

    async def PairPhone(self, phone, show_push_notification, client_name=None, client_type=None):
        await self.overlap.during()
        return await super().PairPhone(phone, show_push_notification)


async def test_concurrent_adds_and_removes_never_overlap_lifecycle_calls(tmp_path):
    overlap = Overlap()

    def make(company_id, settings):
        client = SlowRegisteringClient(settings.neonize_database_name(), uuid=company_id)
        client.overlap = overlap
        return client

    async with SessionPool(PoolSettings(auth_database=str(tmp_path)), client_factory=make) as pool:
        ids = [f"c{i}" for i in range(40)]
        await asyncio.gather(
            *(pool.add_session(cid, phone="+79001234567" if i % 2 else None) for i, cid in enumerate(ids))
        )
        await asyncio.gather(*(pool.remove_session(cid) for cid in ids))
    assert overlap.most == 1


def test_executor_is_sized_for_every_live_client(tmp_path):
    # 40 "live clients" each block one executor thread, as neonize's connect task does; a send still runs
    async def scenario() -> bool:
        settings = PoolSettings(auth_database=str(tmp_path), max_sessions=40, executor_spare_threads=2)
        release = threading.Event()
        async with SessionPool(settings, client_factory=FakeClientFactory()):
            blocked = [asyncio.to_thread(release.wait) for _ in range(settings.max_sessions)]
            holders = [asyncio.ensure_future(b) for b in blocked]
            try:
                await asyncio.wait_for(asyncio.to_thread(lambda: True), timeout=5)
                return True
            finally:
                release.set()
                await asyncio.gather(*holders)

    assert asyncio.run(scenario())


def test_without_sizing_the_default_executor_starves(tmp_path):
    # the control: what the sizing prevents (the default executor has min(32, cpus + 4) threads)
    async def scenario() -> bool:
        settings = PoolSettings(auth_database=str(tmp_path), size_default_executor=False)
        release = threading.Event()
        async with SessionPool(settings, client_factory=FakeClientFactory()):
            holders = [asyncio.ensure_future(asyncio.to_thread(release.wait)) for _ in range(40)]
            try:
                await asyncio.wait_for(asyncio.to_thread(lambda: True), timeout=0.5)
                return True
            except TimeoutError:
                return False
            finally:
                release.set()
                await asyncio.gather(*holders)

    assert asyncio.run(scenario()) is False


async def test_transport_sends_the_requested_emoji_on_the_original_message(pool, factory):
    client = await connect(pool, factory)
    transport = WhatsAppTransport(pool)
    message = IncomingMessage(
        platform="whatsapp",
        company_id="acme",
        chat=CUSTOMER,
        sender=CUSTOMER,
        message_id="T1",
        text="спасибо",
    )
    result = await transport.send(ReactionRequest(message=message, emoji="❤️", transport="whatsapp"))
    assert transport.name == "whatsapp"
    assert result.ok
    assert result.message_id == "T1"
    assert result.emoji == "❤️"
    assert client.sent[-1][1].reactionMessage.key.ID == "T1"


async def test_transport_satisfies_the_transport_protocol(pool):
    from spasibo.transport import Transport

    assert isinstance(WhatsAppTransport(pool), Transport)


async def test_transport_surfaces_pool_errors_as_reaction_errors(pool):
    from spasibo.errors import ReactionError

    message = IncomingMessage(platform="whatsapp", company_id="nobody", chat=CUSTOMER, message_id="T1")
    with pytest.raises(ReactionError):
        await WhatsAppTransport(pool).send(ReactionRequest(message=message, emoji="❤️", transport="whatsapp"))


async def _never_ends(running: asyncio.Event) -> None:
    """A connection task that does not end when the client stops, like a Go call that never returns."""
    await asyncio.Event().wait()


async def test_cancelling_a_removal_that_waits_for_a_hung_connection_is_not_swallowed(tmp_path):
    settings = PoolSettings(auth_database=str(tmp_path / "auth"), lifecycle_call_timeout_s=0.5)
    factory = FakeClientFactory(configure=lambda client: setattr(client, "_run", _never_ends))
    async with SessionPool(settings, client_factory=factory) as pool:
        await connect(pool, factory)
        removal = asyncio.create_task(pool.remove_session("acme"))
        await asyncio.sleep(0.05)
        removal.cancel()
        with pytest.raises(asyncio.CancelledError):
            await removal
