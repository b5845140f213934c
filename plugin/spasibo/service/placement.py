"""Where a company's session is, as an answer: here, at another instance (421), moving (503) or nowhere (404).

Between one instance letting a company go (stopped, or its lease expired) and another taking it over, the
company exists but nobody serves it; a 404 there would tell clients to give up, so a company this instance
knows of (wanted, held or registered) answers 503 with ``Retry-After`` instead, and the lease keeper is
nudged to claim it at once if it is wanted here.
"""

from __future__ import annotations

from spasibo.service.errors import ServiceError, retry_after_header
from spasibo.service.leases import LeaseKeeper, Owner
from spasibo.whatsapp.pool import SessionPool


def owned_elsewhere(company_id: str, owner: Owner) -> ServiceError:
    """The 421 answer naming the instance (and its URL, when published) that serves ``company_id``."""
    return ServiceError(
        421,
        "owned_elsewhere",
        f"company {company_id!r} is served by instance {owner.instance!r}"
        + (f" at {owner.url}" if owner.url else ""),
        field="companyId",
        owner=owner.instance,
        ownerUrl=owner.url,
    )


class CompanyPlacement:
    """Answers "is this company served here?" for the routes that need its session."""

    def __init__(self, pool: SessionPool, keeper: LeaseKeeper, *, retry_after_s: float) -> None:
        self.pool = pool
        self.keeper = keeper
        self.retry_after_s = retry_after_s

    async def require_here(self, company_id: str) -> None:
        """Pass when the company's session is in this instance's pool; else raise the answer for where it is.

        421 ``owned_elsewhere`` naming the instance holding its lease; 503 ``company_moving`` with
        ``Retry-After`` while a known company has no owner or its session is (re)starting here; the pool's
        ``UnknownCompanyError`` (404) when nobody knows it.
        """
        if self.pool.has_session(company_id):
            return
        ownership = self.keeper.ownership
        owner = await ownership.owner_of(company_id)
        if owner is not None and owner != ownership.me:
            raise owned_elsewhere(company_id, owner)
        if await self.keeper.knows(company_id):
            self.keeper.nudge()
            raise ServiceError(
                503,
                "company_moving",
                f"company {company_id!r} is between instances or its session is starting; retry shortly",
                field="companyId",
                headers=retry_after_header(self.retry_after_s),
            )
        self.pool.session(company_id)  # the pool's UnknownCompanyError, unless it started meanwhile
