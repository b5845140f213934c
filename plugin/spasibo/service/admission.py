"""Admitting a reaction request: the idempotency claim on its key, then a slot of its customer's limit.

A request claims its key, or gets the earlier answer to replay, or waits for the request in flight with the
same key (``IdempotencyRecords.begin``); a claim then reserves one of the customer's slots
(``CustomerRateLimiter.reserve``), and a refused slot gives the claim back, so a 429 leaves no record behind.
A replay takes no slot.

With Redis, the usual case (a key nobody holds) is both steps in one Lua script
(``RedisSlots.claim_and_reserve``): one round trip instead of two, three when the slot is refused. Round
trips are most of a reaction's cost with Redis (each is about as much CPU as the rest of the request), so
this is worth its second path; a key that is held (a retry, a change of emoji, a request in flight) takes the
steps one by one, and both paths leave the same records.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spasibo.service.idempotency import Claim, IdempotencyRecords, RecordKey
from spasibo.service.limits import CustomerRateLimiter, KeyHeldError, RedisSlots, Slot


@dataclass(frozen=True, slots=True)
class Admission:
    """The outcome of ``admit``: a ``claim`` with an answer to replay (and no ``slot``), or the claim of the
    key and the ``slot`` reserved for it; a refused slot's claim was given back already.
    """

    claim: Claim
    slot: Slot | None = None


class ReactionAdmission:
    """Claims a request's key and reserves its customer's slot, in one step when ``slots`` is in Redis."""

    def __init__(
        self, records: IdempotencyRecords, limiter: CustomerRateLimiter, slots: RedisSlots | None = None
    ) -> None:
        self.records = records
        self.limiter = limiter
        self._slots = slots

    async def admit(self, record_key: RecordKey, fingerprint: str, customer: str) -> Admission:
        """Claim ``record_key`` for a request with ``fingerprint``, then reserve a slot of ``customer``.

        Raises what ``IdempotencyRecords.begin`` raises (409 ``in_progress``, 422 ``idempotency_key_reused``)
        and the storages' connection errors; nothing stays claimed or reserved when it raises.
        """
        if self._slots is not None:
            token, pending = self.records.pending_record(fingerprint)
            claim = (record_key.key, pending, max(1, int(self.records.wait_s * 1000)))
            try:
                slot = await self.limiter.reserve_with(
                    functools.partial(self._slots.claim_and_reserve, claim, customer), customer
                )
            except KeyHeldError:
                pass  # held by an earlier request: look at its record
            else:
                return Admission(Claim(record_key.key, token=token), slot)
        held = await self.records.begin(record_key, fingerprint)
        if held.answer is not None:
            return Admission(held)
        try:
            slot = await self.limiter.reserve(customer)
        except BaseException:
            await self.records.release(held, fingerprint)
            raise
        if not slot.granted:
            await self.records.release(held, fingerprint)
        return Admission(held, slot)
