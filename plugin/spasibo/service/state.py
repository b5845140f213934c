"""Everything one app instance holds, built from its settings and kept on ``app.state.service``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import Request

from spasibo.service.admission import ReactionAdmission
from spasibo.service.auth import ApiKeyCheck
from spasibo.service.gateway import InboundGateway, build_gateway
from spasibo.service.idempotency import IdempotencyRecords, MemoryRecords, RecordStorage, RedisRecords
from spasibo.service.leases import LeaseKeeper, Owner, Ownership, RedisLeases, SoleOwnership
from spasibo.service.limits import CustomerRateLimiter, MemorySlots, RedisSlots, SlotStorage
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.placement import CompanyPlacement
from spasibo.service.reactions import ReactionDesk
from spasibo.service.redis_batches import CommandBatches
from spasibo.service.session_registry import FileRegistry, RedisRegistry, SessionRegistry
from spasibo.service.settings import ServiceSettings
from spasibo.service.shared_redis import connect_redis
from spasibo.whatsapp.pool import SessionPool


@dataclass
class ServiceState:
    """The pool and the shared-state helpers around it; ``ready`` is True between startup and shutdown."""

    settings: ServiceSettings
    pool: SessionPool
    auth: ApiKeyCheck
    metrics: ServiceMetrics
    limiter: CustomerRateLimiter
    records: IdempotencyRecords
    keeper: LeaseKeeper
    desk: ReactionDesk
    placement: CompanyPlacement
    gateway: InboundGateway
    ready: bool = False
    _draining: asyncio.Future[None] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: ServiceSettings, pool: SessionPool) -> ServiceState:
        """Wire the helpers: in memory, or in Redis when ``settings.redis_url`` is set."""
        me = Owner(settings.instance_id, settings.public_url)
        storage: RecordStorage
        ownership: Ownership
        slots: SlotStorage
        registry: SessionRegistry
        if settings.redis_url:
            timeout_s = settings.redis_timeout_s
            # a reaction's records and slots share one client, so their commands go in the same batches
            batches = CommandBatches(connect_redis(settings.redis_url, timeout_s))
            storage = RedisRecords(batches)
            ownership = RedisLeases(
                connect_redis(settings.redis_url, timeout_s),
                prefix=settings.redis_key_prefix,
                me=me,
                ttl_s=settings.lease_ttl_s,
            )
            slots = RedisSlots(batches, settings.redis_key_prefix)
            registry = RedisRegistry(connect_redis(settings.redis_url, timeout_s), settings.redis_key_prefix)
        else:
            storage, ownership, slots = MemoryRecords(), SoleOwnership(me), MemorySlots()
            registry = FileRegistry(settings.registry_file())
        metrics = ServiceMetrics()
        limiter = CustomerRateLimiter(slots, settings.rate_limit_per_phone_per_minute)
        records = IdempotencyRecords(
            storage,
            prefix=settings.redis_key_prefix,
            window_s=settings.idempotency_window_s,
            wait_s=settings.idempotency_wait_s,
        )

        async def start_session(company_id: str) -> None:
            await pool.add_session(company_id)

        async def stop_session(company_id: str) -> None:
            if any(info.company_id == company_id for info in pool.sessions()):
                await pool.remove_session(company_id)

        keeper = LeaseKeeper(
            ownership,
            wanted=list(settings.companies),
            registry=registry,
            renew_interval_s=settings.lease_renew_interval_s,
            on_gained=start_session,
            on_lost=stop_session,
        )
        placement = CompanyPlacement(pool, keeper, retry_after_s=settings.lease_renew_interval_s)
        desk = ReactionDesk(
            pool,
            default_company=settings.default_company,
            placement=placement,
            admission=ReactionAdmission(records, limiter, slots if isinstance(slots, RedisSlots) else None),
            metrics=metrics,
        )
        auth = ApiKeyCheck(settings.api_keys)
        gateway = build_gateway(settings, pool, metrics)
        return cls(settings, pool, auth, metrics, limiter, records, keeper, desk, placement, gateway)

    async def start(self) -> None:
        """Start the pool, claim and start the configured companies' sessions, keep the leases."""
        await self.pool.start()
        await self.gateway.outbox.start()
        await self.keeper.start()
        self.ready = True

    async def drain(self) -> None:
        """Stop taking reactions: sends in flight get ``shutdown_deadline_s``, then are cancelled, so their
        requests are answered (502 ``send_failed``) before the server stops waiting for them; then release the
        leases, so another instance takes the companies over at once. Idempotent.
        """
        self.ready = False
        if self._draining is None:
            self._draining = asyncio.ensure_future(self._shut_down_sessions())
        await asyncio.shield(self._draining)

    async def _shut_down_sessions(self) -> None:
        try:
            await self.pool.shutdown()
        finally:
            await self.gateway.close(self.settings.shutdown_deadline_s)
            await self.keeper.stop()

    async def stop(self) -> None:
        """Drain (unless the server already did), then close the shared-state connections."""
        try:
            await self.drain()
        finally:
            await self.records.aclose()
            await self.limiter.aclose()


def service_state(request: Request) -> ServiceState:
    """The ``ServiceState`` of the app serving ``request``."""
    state: ServiceState = request.app.state.service
    return state
