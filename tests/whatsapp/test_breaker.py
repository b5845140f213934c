"""The circuit breaker on its own: closed → open after the threshold → half-open after the cooldown."""

from __future__ import annotations

from spasibo.testing.whatsapp import ManualClock
from spasibo.whatsapp import BreakerState, CircuitBreaker


def breaker(clock: ManualClock) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, cooldown_s=300, clock=clock.now)


async def half_open(clock: ManualClock) -> CircuitBreaker:
    """A breaker that tripped and has waited out its cooldown."""
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    await clock.advance(300)
    return b


def test_opens_after_threshold_consecutive_failures():
    b = breaker(ManualClock())
    for _ in range(3):
        assert b.allow()
        b.record_failure()
    assert b.state is BreakerState.OPEN
    assert not b.allow()
    assert b.opens == 1


def test_a_success_resets_the_count():
    b = breaker(ManualClock())
    b.record_failure()
    b.record_failure()
    b.record_success()
    b.record_failure()
    assert b.state is BreakerState.CLOSED


async def test_after_the_cooldown_one_trial_call_is_allowed():
    clock = ManualClock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    assert b.retry_after_s() == 300
    await clock.advance(300)
    assert b.state is BreakerState.HALF_OPEN
    assert b.allow()
    assert not b.allow()  # only one trial


async def test_failed_trial_opens_again_for_a_full_cooldown():
    b = await half_open(ManualClock())
    b.allow()
    b.record_failure()
    assert b.state is BreakerState.OPEN
    assert b.retry_after_s() == 300
    assert b.opens == 2


async def test_cancelled_trial_frees_the_slot():
    b = await half_open(ManualClock())
    assert b.allow()
    b.cancel_trial()
    assert b.allow()


def test_failures_of_calls_started_before_opening_do_not_reopen():
    b = breaker(ManualClock())
    for _ in range(5):
        b.record_failure()
    assert b.opens == 1
