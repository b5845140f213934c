"""The judge's model file: its layout gives back every weight to the bit, format 1 still reads, and a
malformed file is a ``ConfigError`` saying what is wrong."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from training import train

from spasibo import ConfigError
from spasibo.detection.linear_judge import FORMAT, LinearModel, builtin_model, weights_json

GRATITUDE_WEIGHTS = {
    "w:<T>": 2.5,
    "w:спасибо": 0.3613,
    "b:^ <T>": -0.1202,
    "b:<T> за": 0.0178,
    "b:за всё": -1.0,  # "всё" is an item only a bigram names
    "c:<сп": 0.01,
    "p:спасибо большое": 1.1016,  # a finder's name holds a space
    "rule:sarcasm_quotes": -2.4407,
}
CLOSING_WEIGHTS = {"w:спасибо": -0.5, "b:<T> за": 0.25, "reply": -3.0, "q": -0.0123}


def payload(weights: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "features": {"char_min": 2, "char_max": 5, "word_window": 12},
        "min_scores": {"gratitude": 54, "closing": 46},
        "heads": {
            "gratitude": {"bias": -0.06, "platt": [0.9, -0.3]},
            "closing": {"bias": 2.7, "platt": [0.9, -0.1]},
        },
        "weights": weights,
    }


def small_model_payload() -> dict[str, Any]:
    return payload(weights_json(GRATITUDE_WEIGHTS, CLOSING_WEIGHTS, 10_000))


def test_every_weight_reads_back_as_written_to_the_bit():
    model = LinearModel.from_json(json.loads(json.dumps(small_model_payload())))
    expected = {
        name: (GRATITUDE_WEIGHTS.get(name, 0.0), CLOSING_WEIGHTS.get(name, 0.0))
        for name in GRATITUDE_WEIGHTS.keys() | CLOSING_WEIGHTS.keys()
    }
    assert {name: (g.hex(), c.hex()) for name, (g, c) in model.weights.items()} == {
        name: (g.hex(), c.hex()) for name, (g, c) in expected.items()
    }


def test_weights_are_kept_by_the_route_the_runtime_looks_them_up_by():
    model = LinearModel.from_json(small_model_payload())
    assert model.unigrams == {"<T>": 2.5, "спасибо": complex(0.3613, -0.5)}
    assert model.bigrams == {("^", "<T>"): -0.1202, ("<T>", "за"): complex(0.0178, 0.25), ("за", "всё"): -1.0}
    assert set(model.summed) == {"c:<сп", "p:спасибо большое", "rule:sarcasm_quotes", "reply", "q"}


def test_the_same_weights_read_from_format_1_give_the_same_model():
    old = payload({})
    del old["weights"]
    old["format"] = 1
    old["heads"]["gratitude"]["weights"] = GRATITUDE_WEIGHTS
    old["heads"]["closing"]["weights"] = CLOSING_WEIGHTS
    assert LinearModel.from_json(old) == LinearModel.from_json(small_model_payload())


def test_every_shipped_weight_is_the_decimal_it_stands_for():
    """A weight stored as a whole number of ``1/scale`` must be the float its rounded decimal reads as (what
    format 1 stored): both are the double nearest to the same decimal."""
    stored = json.loads(train.MODEL_FILE.read_text(encoding="utf-8"))["weights"]
    scale = stored["scale"]
    assert scale == 10**train.DIGITS
    units = [
        unit
        for part in ("unigrams", "bigrams", "named")
        for head in ("gratitude", "closing")
        for unit in stored[part][head]
    ]
    assert len(units) > 90_000
    assert all(unit / scale == float(str(Decimal(unit).scaleb(-train.DIGITS))) for unit in units)


def test_a_weight_that_is_not_a_whole_number_of_the_scale_is_refused():
    with pytest.raises(ValueError, match="whole number"):
        weights_json({"q": 0.12345}, {}, 10_000)


def test_the_shipped_model_keeps_within_its_size_and_every_weight():
    assert train.MODEL_FILE.stat().st_size <= 5_000_000
    stored = json.loads(train.MODEL_FILE.read_text(encoding="utf-8"))["weights"]
    kept = {
        head: sum(1 for part in ("unigrams", "bigrams", "named") for unit in stored[part][head] if unit)
        for head in ("gratitude", "closing")
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
        weights["named"]["gratitude"][0] = "0.5"
    elif change == "unigrams":
        weights["unigrams"]["gratitude"] += [1] * 10
        weights["unigrams"]["closing"] += [1] * 10
    elif change == "missing":
        del weights["named"]
    return model


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("format", "format 99; this spasibo reads formats 1 and 2"),
        ("lengths", "malformed.*lists of different lengths"),
        ("index", "malformed.*IndexError"),
        ("negative index", "malformed.*negative"),
        ("scale", "malformed.*scale"),
        ("weight", "malformed.*TypeError"),
        ("unigrams", "malformed.*unigram weights for"),
        ("missing", "malformed.*named"),
    ],
)
def test_a_malformed_model_file_is_a_config_error_saying_what_is_wrong(change, message):
    with pytest.raises(ConfigError, match=message):
        LinearModel.from_json(broken(change))
