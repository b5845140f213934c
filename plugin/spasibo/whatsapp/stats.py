"""Snapshots the pool hands out: one per session, one for the whole pool, one per health check."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict


class SessionInfo(BaseModel):
    """One company's session as seen from outside: state, masked phone, breaker, last error or terminal
    reason.
    """

    model_config = ConfigDict(frozen=True)

    company_id: str
    state: str
    phone_masked: str
    breaker_state: str
    breaker_retry_after_s: float
    reconnect_attempt: int
    connects: int  # neonize connect() calls: each holds a database handle until the process ends
    last_error: str | None
    terminal_reason: str | None


class PoolStats(BaseModel):
    """Counters since the pool started and the current sessions by state."""

    model_config = ConfigDict(frozen=True)

    reactions_sent: int
    reactions_failed: int
    reconnects: int
    connects: int  # neonize leaks one database handle per connect(): watch this in long-running processes
    unreachable: int  # reconnects not tried because the probe found WhatsApp unreachable (nothing leaked)
    breaker_opens: int
    breakers_by_state: dict[str, int]
    messages_received: int
    reactions_received: int
    sessions_by_state: dict[str, int]
    sessions_active: int
    sessions_total: int
    health_checks: int


@dataclass
class Counters:
    """The pool's mutable counters (kept apart from the snapshot model so updating them is cheap)."""

    reactions_sent: int = 0
    reactions_failed: int = 0
    reconnects: int = 0
    connects: int = 0
    unreachable: int = 0
    breaker_opens: int = 0
    messages_received: int = 0
    reactions_received: int = 0
    health_checks: int = 0
    last_health: dict[str, int] = field(default_factory=dict)
