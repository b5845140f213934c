"""``round_tenths`` is ``round(value, 1)``, to the bit, for every value a verdict's score can hold."""

from __future__ import annotations

import math
import random

from hypothesis import given
from hypothesis import strategies as st

from spasibo.detection.detector import round_tenths


def same(value: float) -> bool:
    expected, got = round(value, 1), round_tenths(value)
    return math.copysign(1.0, expected) == math.copysign(1.0, got) and expected == got


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_rounds_as_round_does(value):
    assert same(value)


def test_probabilities_times_a_hundred_round_as_round_does():
    rng = random.Random(20261206)
    for _ in range(200_000):
        assert same(100.0 * rng.random())
    for numerator in range(100_001):  # every step of a thousandth, and the floats either side of it
        value = numerator / 1000.0
        for near in (value, math.nextafter(value, 0.0), math.nextafter(value, 1001.0)):
            assert same(near)
            assert same(100.0 * (near / 100.0))


def test_ties_and_the_ends_of_the_range_round_as_round_does():
    for value in (0.0, -0.0, 0.05, 0.15, 0.25, 2.675, 99.95, 100.0, 999.95, 1000.0, 1000.05, -0.05, 1e-300):
        assert same(value)
