"""Which instance owns which company's WhatsApp session: Redis leases, so an account never connects twice.

An instance *claims* a company before connecting its session (``SET NX`` with an expiry), renews its leases
every ``lease_renew_interval_s`` and releases them on shutdown. One that dies stops renewing; its leases
expire after ``lease_ttl_s`` and another instance that wants the company claims it and connects. Without
Redis there is one instance and it owns everything (``SoleOwnership``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from spasibo.service.session_registry import SessionRegistry

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Owner:
    """The instance holding a company's lease, and the URL its clients should use (when it published one)."""

    instance: str
    url: str | None = None


class Ownership(Protocol):
    """Claiming, renewing and releasing company leases."""

    me: Owner

    async def claim(self, company_id: str) -> Owner:
        """Take the lease if free (or renew ours); return the owner afterwards (``me`` on success)."""

    async def owner_of(self, company_id: str) -> Owner | None:
        """Who holds the lease now, or None."""

    async def renew(self, company_id: str) -> bool:
        """Extend our lease; False when it was lost (expired and taken, or deleted)."""

    async def release(self, company_id: str) -> None:
        """Give our lease up (no-op when it is not ours)."""

    async def aclose(self) -> None:
        """Release connections."""


class SoleOwnership:
    """One instance, no Redis: this instance owns every company."""

    def __init__(self, me: Owner) -> None:
        self.me = me

    async def claim(self, company_id: str) -> Owner:
        return self.me

    async def owner_of(self, company_id: str) -> Owner | None:
        return self.me

    async def renew(self, company_id: str) -> bool:
        return True

    async def release(self, company_id: str) -> None:
        return None

    async def aclose(self) -> None:
        return None


_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
)
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisLeases:
    """Company leases in Redis under ``<prefix>:lease:<company>``, valued with the owner's id and URL."""

    def __init__(self, redis: Redis, *, prefix: str, me: Owner, ttl_s: float) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:lease:"
        self._ttl_ms = max(1, int(ttl_s * 1000))
        self.me = me
        self._value = json.dumps({"instance": me.instance, "url": me.url})

    async def claim(self, company_id: str) -> Owner:
        key = self._prefix + company_id
        if await self._redis.set(key, self._value, nx=True, px=self._ttl_ms) or await self.renew(company_id):
            return self.me
        return await self.owner_of(company_id) or await self.claim(company_id)

    async def owner_of(self, company_id: str) -> Owner | None:
        raw = await self._redis.get(self._prefix + company_id)
        if raw is None:
            return None
        data = json.loads(raw)
        return Owner(data["instance"], data.get("url"))

    async def renew(self, company_id: str) -> bool:
        key = self._prefix + company_id
        return bool(await self._redis.eval(_RENEW, 1, key, self._value, self._ttl_ms))  # type: ignore[misc]

    async def release(self, company_id: str) -> None:
        await self._redis.eval(_RELEASE, 1, self._prefix + company_id, self._value)  # type: ignore[misc]

    async def aclose(self) -> None:
        await self._redis.aclose()


Callback = Callable[[str], Awaitable[None]]


class LeaseKeeper:
    """Keeps this instance's leases: renews held ones, claims wanted free ones, reacts to gains and losses.

    ``wanted`` are the companies this instance serves when nobody else does, with every company of the
    ``registry`` (added through the API, here or, with Redis, on any instance). ``on_gained(company)`` starts
    the session (raising releases the lease again); ``on_lost(company)`` stops it, but only once another
    instance really holds the lease: a lease that merely expired (Redis stalled longer than its TTL) is
    claimed again and the live session kept, and a renewal that fails (Redis unreachable) keeps everything
    as it is until the next round.
    """

    def __init__(
        self,
        ownership: Ownership,
        *,
        wanted: list[str],
        registry: SessionRegistry,
        renew_interval_s: float,
        on_gained: Callback,
        on_lost: Callback,
    ) -> None:
        self.ownership = ownership
        self.registry = registry
        self.wanted = set(wanted)
        self.held: set[str] = set()
        self._interval_s = renew_interval_s
        self._on_gained = on_gained
        self._on_lost = on_lost
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()

    async def acquire(self, company_id: str) -> Owner:
        """Claim ``company_id`` now (for a session added through the API); returns the owner."""
        owner = await self.ownership.claim(company_id)
        if owner == self.ownership.me:
            self.held.add(company_id)
        return owner

    async def keep(self, company_id: str) -> None:
        """Remember ``company_id`` (its session was added through the API) across restarts."""
        self.wanted.add(company_id)
        await self.registry.add(company_id)

    async def give_up(self, company_id: str) -> None:
        """Release ``company_id``, stop wanting it and unregister it (its session was removed through the
        API here).
        """
        self.wanted.discard(company_id)
        self.held.discard(company_id)
        try:
            await self.ownership.release(company_id)
        finally:
            await self.registry.remove(company_id)

    async def knows(self, company_id: str) -> bool:
        """Whether ``company_id`` is served somewhere or should be: wanted here, held here, or registered."""
        return (
            company_id in self.wanted or company_id in self.held or await self.registry.contains(company_id)
        )

    def nudge(self) -> None:
        """Run the next round now rather than after the renewal interval (a wanted company looks free)."""
        self._wake.set()

    async def tick(self) -> None:
        """One round: renew what we hold (stopping sessions another instance took), then claim and start
        wanted free ones. One company's failure never stops the round for the others.
        """
        for company_id in sorted(self.held):
            try:
                await self._keep_lease(company_id)
            except Exception as error:  # Redis unreachable: keep the session, try again next round
                log.warning("company %s: lease not renewed (%s); keeping its session", company_id, error)
        try:
            wanted = self.wanted | await self.registry.companies()
        except Exception as error:
            log.warning("session registry unreachable (%s); claiming the configured companies only", error)
            wanted = set(self.wanted)
        for company_id in sorted(wanted - self.held):
            try:
                await self._take(company_id)
            except Exception as error:
                log.warning("company %s: lease not claimed (%s); trying again next round", company_id, error)

    async def _keep_lease(self, company_id: str) -> None:
        if await self.ownership.renew(company_id):
            return
        # expired (e.g. Redis stalled longer than the TTL) or taken: keep it unless someone else has it
        owner = await self.ownership.claim(company_id)
        if owner == self.ownership.me:
            log.warning("company %s: lease had expired and was claimed again; session kept", company_id)
            return
        log.warning("company %s: now served by instance %s; stopping its session here", company_id, owner)
        self.held.discard(company_id)
        await self._on_lost(company_id)

    async def _take(self, company_id: str) -> None:
        if await self.acquire(company_id) != self.ownership.me:
            return
        try:
            await self._on_gained(company_id)
        except Exception:
            log.exception("company %s: session did not start; releasing its lease", company_id)
            self.held.discard(company_id)
            await self.ownership.release(company_id)

    async def start(self) -> None:
        """Claim the wanted (configured and registered) companies once, then keep renewing in the
        background.
        """
        await self.tick()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="spasibo-leases")

    async def _run(self) -> None:
        # the flag, not only cancel(): a session stop inside tick() may swallow the cancellation
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval_s)
            self._wake.clear()
            try:
                await self.tick()
            except Exception:
                log.exception("lease round failed")

    async def stop(self) -> None:
        """Stop renewing and release every lease we hold (another instance may take them at once)."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for company_id in list(self.held):
            with contextlib.suppress(Exception):
                await self.ownership.release(company_id)
        self.held.clear()
        await self.ownership.aclose()
        await self.registry.aclose()
