"""A circuit breaker per company: stop hammering a session that keeps failing, then try once again later."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    """``closed``: calls go through. ``open``: calls fail fast. ``half_open``: one trial call is allowed."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failures; after ``failure_threshold`` it opens for ``cooldown_s`` seconds.

    When the cooldown has passed the next ``allow()`` moves it to half-open and lets exactly one trial call
    through; that call's success closes it, its failure opens it again for another cooldown. ``clock`` is
    injectable (``time.monotonic`` by default) so tests can move time.
    """

    def __init__(self, *, failure_threshold: int, cooldown_s: float, clock: Callable[[], float]) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False
        self.opens = 0  # how many times it has opened, for stats

    @property
    def state(self) -> BreakerState:
        """The current state, moving open → half-open once the cooldown has passed."""
        if self._state is BreakerState.OPEN and self.retry_after_s() <= 0:
            self._state = BreakerState.HALF_OPEN
            self._trial_in_flight = False
        return self._state

    def retry_after_s(self) -> float:
        """Seconds until an open breaker lets a trial call through (0 when not open)."""
        if self._state is not BreakerState.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self.cooldown_s - self._clock())

    def allow(self) -> bool:
        """Whether a call may go ahead now; in half-open state only the first caller gets True."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        """A call succeeded: forget past failures and close."""
        self._failures = 0
        self._state = BreakerState.CLOSED
        self._trial_in_flight = False

    def cancel_trial(self) -> None:
        """A call let through was abandoned (cancelled) before it could succeed or fail: free the trial
        slot.
        """
        self._trial_in_flight = False

    def record_failure(self) -> None:
        """A call failed: count it, and open when the threshold is reached or a half-open trial failed."""
        self._failures += 1
        if self._state is BreakerState.OPEN:
            return  # a call that started before it opened; the cooldown already runs
        if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
            self._open()

    def _open(self) -> None:
        self._state = BreakerState.OPEN
        self._opened_at = self._clock()
        self._trial_in_flight = False
        self.opens += 1
