"""The judge's model file: its layout gives back every weight to the bit, packed weights add exactly,
formats 1 and 2 (a binary gratitude head) still read, and a malformed file is a ``ConfigError`` saying what
is wrong."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import pytest
from training import train

from spasibo import ConfigError
from spasibo.detection.linear_judge import (
    BINARY_REASON,
    FIELD_BITS,
    FORMAT,
    LinearModel,
    builtin_model,
    log_odds,
    pack,
    unpack,
    weights_json,
)

SARCASM_WEIGHTS = {
    "w:<T>": -2.5,
    "w:спасибо": -0.3613,
    "b:^ <T>": 0.1202,
    "b:<T> за": -0.0178,
    "b:за всё": 1.0,  # "всё" is an item only a bigram names
    "c:<сп": -0.01,
    "p:спасибо большое": -1.1016,  # a finder's name holds a space
    "rule:sarcasm_quotes": 2.4407,
}
NEGATED_WEIGHTS = {"w:спасибо": 0.2, "rule:sarcasm_quotes": -0.5}
CLOSING_WEIGHTS = {"w:спасибо": -0.5, "b:<T> за": 0.25, "reply": -3.0, "q": -0.0123}
FIELDS = {"sarcasm": SARCASM_WEIGHTS, "negated": NEGATED_WEIGHTS, "other": {}, "closing": CLOSING_WEIGHTS}


def payload(weights: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "features": {"char_min": 2, "char_max": 5, "word_window": 12},
        "min_scores": {"gratitude": 54, "closing": 46},
        "reasons": ["sarcasm", "negated", "other"],
        "heads": {
            "gratitude": {"bias": [0.06, -1.2, -0.4], "platt": [0.9, -0.3]},
            "closing": {"bias": 2.7, "platt": [0.9, -0.1]},
        },
        "weights": weights,
    }


def small_model_payload() -> dict[str, Any]:
    return payload(weights_json(FIELDS, 10_000))


def binary_payload(version: int) -> dict[str, Any]:
    """The gratitude head of ``SARCASM_WEIGHTS`` as a binary one (weights ``g = −d``), in format 1 or 2."""
    gratitude = {name: -weight for name, weight in SARCASM_WEIGHTS.items()}
    old = payload({})
    del old["reasons"]
    old["format"] = version
    old["heads"]["gratitude"]["bias"] = -0.06
    if version == 1:
        del old["weights"]
        old["heads"]["gratitude"]["weights"] = gratitude
        old["heads"]["closing"]["weights"] = CLOSING_WEIGHTS
    else:
        old["weights"] = weights_json({"gratitude": gratitude, "closing": CLOSING_WEIGHTS}, 10_000)
    return old


def test_every_weight_reads_back_as_written_to_the_bit():
    model = LinearModel.from_json(json.loads(json.dumps(small_model_payload())))
    assert model.reasons == ("sarcasm", "negated", "other")
    names = set().union(*FIELDS.values())
    expected = {name: tuple(weights.get(name, 0.0).hex() for weights in FIELDS.values()) for name in names}
    assert {name: tuple(w.hex() for w in weights) for name, weights in model.weights.items()} == expected
    assert model.values(model.bias) == (0.06, -1.2, -0.4, 2.7)


def test_weights_are_kept_by_the_route_the_runtime_looks_them_up_by():
    model = LinearModel.from_json(small_model_payload())
    assert {item: model.values(w) for item, w in model.unigrams.items()} == {
        "<T>": (-2.5, 0.0, 0.0, 0.0),
        "спасибо": (-0.3613, 0.2, 0.0, -0.5),
    }
    assert set(model.bigrams) == {("^", "<T>"), ("<T>", "за"), ("за", "всё")}
    assert set(model.summed) == {"c:<сп", "p:спасибо большое", "rule:sarcasm_quotes", "reply", "q"}


def test_packed_weights_add_every_field_exactly():
    rng = random.Random(7)
    for count in (1, 2, 4):
        rows = [[rng.randint(-200_000, 200_000) for _ in range(count)] for _ in range(500)]
        assert unpack(sum(map(pack, rows)), count) == [sum(column) for column in zip(*rows, strict=True)]
    # a field's sum far beyond any message's still stays in its own bits
    big = [2 ** (FIELD_BITS - 2), -(2 ** (FIELD_BITS - 2)), -1]
    assert unpack(pack(big) + pack([1, -1, 1]), 3) == [big[0] + 1, big[1] - 1, 0]


def test_the_gratitude_score_is_the_log_odds_of_sincere_against_every_reason():
    assert log_odds([-1.5]) == 1.5
    assert log_odds([0.0, 0.0]) == pytest.approx(-0.6931, abs=1e-4)
    assert log_odds([-50.0, 2.0, -50.0]) == pytest.approx(-2.0)


@pytest.mark.parametrize("version", [1, 2])
def test_a_binary_judge_of_an_older_format_reads_as_one_reason(version):
    """Formats 1 and 2 hold a binary gratitude head; its weight ``g`` is the one reason's field ``−g``, so
    the same raw scores come out."""
    model = LinearModel.from_json(binary_payload(version))
    assert model.reasons == (BINARY_REASON,)
    expected = {
        name: (SARCASM_WEIGHTS.get(name, 0.0), CLOSING_WEIGHTS.get(name, 0.0))
        for name in SARCASM_WEIGHTS.keys() | CLOSING_WEIGHTS.keys()
    }
    assert model.weights == expected
    assert model.values(model.bias) == (0.06, 2.7)


def test_every_shipped_weight_is_the_decimal_it_stands_for():
    """A weight stored as a whole number of ``1/scale`` must be the float its rounded decimal reads as (what
    format 1 stored): both are the double nearest to the same decimal."""
    shipped = json.loads(train.MODEL_FILE.read_text(encoding="utf-8"))
    stored, fields = shipped["weights"], [*shipped["reasons"], "closing"]
    scale = stored["scale"]
    assert scale == 10**train.DIGITS
    units = [
        unit for part in ("unigrams", "bigrams", "named") for field in fields for unit in stored[part][field]
    ]
    assert len(units) > 90_000
    assert all(unit / scale == float(str(Decimal(unit).scaleb(-train.DIGITS))) for unit in units)


def test_a_weight_that_is_not_a_whole_number_of_the_scale_is_refused():
    with pytest.raises(ValueError, match="whole number"):
        weights_json({"sarcasm": {"q": 0.12345}, "closing": {}}, 10_000)


def test_the_shipped_model_keeps_within_its_size_and_every_weight():
    assert train.MODEL_FILE.stat().st_size <= 5_000_000
    shipped = json.loads(train.MODEL_FILE.read_text(encoding="utf-8"))
    stored = shipped["weights"]
    kept = {
        field: sum(1 for part in ("unigrams", "bigrams", "named") for unit in stored[part][field] if unit)
        for field in [*shipped["reasons"], "closing"]
    }
    assert kept == builtin_model().meta["weights_kept"]


def broken(change: str) -> dict[str, Any]:
    model = small_model_payload()
    weights = model["weights"]
    if change == "format":
        model["format"] = 99
    elif change == "lengths":
        weights["bigrams"]["closing"].pop()
    elif change == "index":
        weights["bigrams"]["right"][0] = 1_000
    elif change == "negative index":
        weights["bigrams"]["left"][0] = -1
    elif change == "scale":
        weights["scale"] = 0
    elif change == "weight":
        weights["named"]["sarcasm"][0] = "0.5"
    elif change == "boolean weight":
        weights["unigrams"]["closing"][0] = True
    elif change == "unigrams":
        for field in FIELDS:
            weights["unigrams"][field] += [1] * 10
    elif change == "missing":
        del weights["named"]
    elif change == "biases":
        model["heads"]["gratitude"]["bias"].pop()
    elif change == "reasons":
        model["reasons"] = ["sarcasm", "sarcasm", "other"]
    return model


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("format", "format 99; this spasibo reads formats 1 to 3"),
        ("lengths", "malformed.*lists of different lengths"),
        ("index", "malformed.*IndexError"),
        ("negative index", "malformed.*negative"),
        ("scale", "malformed.*scale"),
        ("weight", "malformed.*TypeError"),
        ("boolean weight", "malformed.*closing weights must be whole numbers, not bool"),
        ("unigrams", "malformed.*unigram weights for"),
        ("missing", "malformed.*named"),
        ("biases", "malformed.*2 gratitude biases for 3 reasons"),
        ("reasons", "malformed.*distinct"),
    ],
)
def test_a_malformed_model_file_is_a_config_error_saying_what_is_wrong(change, message):
    with pytest.raises(ConfigError, match=message):
        LinearModel.from_json(broken(change))


def test_a_features_push_on_gratitude_is_its_pull_on_the_log_odds_at_this_message():
    """With several reasons a feature's push is ``−Σ shareₖ · wₖ``: how the log odds move per unit of it
    at this message, each reason weighing its share of the chance that the message is not thanks."""
    from spasibo.detection.detector import GratitudeDetector
    from spasibo.detection.linear_judge import LinearJudge

    judge = LinearJudge(LinearModel.from_json(small_model_payload()))
    candidate = GratitudeDetector(judge=judge).candidate("Спасибо большое за всё")
    assert candidate is not None
    shares = judge.reason_shares(candidate)
    assert list(shares) == ["sarcasm", "negated", "other"]
    assert sum(shares.values()) == pytest.approx(1.0)
    pushes = dict(judge.explain(candidate, top=50)["gratitude"])
    assert pushes["w:<T>"] == pytest.approx(2.5 * shares["sarcasm"])
    assert pushes["p:спасибо большое"] == pytest.approx(1.1016 * shares["sarcasm"])
    # the same as the log odds' own slope along the sarcasm field
    *reasons, _ = judge.field_sums(candidate)
    step = 1e-6
    slope = (log_odds([reasons[0] + step, *reasons[1:]]) - log_odds(reasons)) / step
    assert -slope == pytest.approx(shares["sarcasm"], rel=1e-4)
