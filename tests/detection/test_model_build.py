"""The shipped judge weights are what ``make model`` builds from ``training/data``.

Exact bytes are expected on one machine; across machines (another BLAS, another scipy) the solver may end
a hair apart, so the test allows each weight, bias and Platt parameter to differ by ``TOLERANCE`` and a
feature to be kept on one side only when its weight is within ``TOLERANCE`` of the pruning threshold; the
thresholds and every choice made on validation must be equal.
"""

from __future__ import annotations

import json

import pytest
from training import train

from spasibo.detection.linear_judge import CLOSING, GRATITUDE

TOLERANCE = 0.002


@pytest.fixture(scope="module")
def rebuilt():
    payload, _report = train.build()
    return json.loads(train.dump(payload))


@pytest.fixture(scope="module")
def shipped():
    return json.loads(train.MODEL_FILE.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_thresholds_and_choices_are_rebuilt_exactly(rebuilt, shipped):
    assert rebuilt["min_scores"] == shipped["min_scores"]
    assert rebuilt["features"] == shipped["features"]
    assert rebuilt["meta"] == shipped["meta"]


@pytest.mark.slow
@pytest.mark.parametrize("head", [GRATITUDE, CLOSING])
def test_weights_are_rebuilt_within_tolerance(rebuilt, shipped, head):
    new, old = rebuilt["heads"][head], shipped["heads"][head]
    assert new["bias"] == pytest.approx(old["bias"], abs=TOLERANCE)
    assert new["platt"] == pytest.approx(old["platt"], abs=TOLERANCE)
    for name in new["weights"].keys() | old["weights"].keys():
        a, b = new["weights"].get(name, 0.0), old["weights"].get(name, 0.0)
        assert a == pytest.approx(b, abs=TOLERANCE), name
        if (a == 0.0) != (b == 0.0):
            assert abs(a or b) < train.PRUNE + TOLERANCE, name
