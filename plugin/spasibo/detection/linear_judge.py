"""The built-in judge: two logistic models over ``features.candidate_features``, read from a data file.

``spasibo/data/judge.json`` holds, per head (``gratitude``, ``closing``), a bias, a weight per feature
string and the Platt scaling fitted on held-out writers, so ``probability = 1 / (1 + exp(-(a·z + b)))`` is
calibrated; plus the feature settings and the default thresholds chosen on validation. It is built by
``make model`` (see ``training/``) and read with plain dictionaries: no numpy or scikit-learn at runtime.
The file is read on the first judgement, not at import.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from spasibo.detection.candidate import Candidate, Judgement
from spasibo.detection.features import FeatureConfig, candidate_features
from spasibo.errors import ConfigError

MODEL_RESOURCE = "data/judge.json"
JUDGE_NAME = "linear"
GRATITUDE, CLOSING = "gratitude", "closing"


@dataclass(frozen=True)
class Head:
    """One logistic model: bias, weights and the Platt scaling of its raw score."""

    bias: float
    weights: dict[str, float]
    platt_a: float
    platt_b: float

    def raw(self, features: set[str]) -> float:
        """The linear score before calibration."""
        weights = self.weights
        return self.bias + sum(weights.get(feature, 0.0) for feature in features)

    def probability(self, raw: float) -> float:
        """The calibrated probability of a raw score."""
        z = self.platt_a * raw + self.platt_b
        if z < -35.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def contributions(self, features: set[str]) -> list[tuple[str, float]]:
        """Every present feature with a weight, largest effect first."""
        present = [(f, self.weights[f]) for f in features if f in self.weights]
        return sorted(present, key=lambda item: -abs(item[1]))


@dataclass(frozen=True)
class LinearModel:
    """Both heads and the settings they were trained with."""

    config: FeatureConfig
    gratitude: Head
    closing: Head
    min_scores: dict[str, float]
    meta: dict[str, Any]

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> LinearModel:
        """Build from the parsed model file; ``ConfigError`` naming what is missing when malformed."""
        try:
            heads = payload["heads"]
            gratitude, closing = (_head(heads[name]) for name in (GRATITUDE, CLOSING))
            return cls(
                FeatureConfig(**payload["features"]),
                gratitude,
                closing,
                {str(k): float(v) for k, v in payload["min_scores"].items()},
                dict(payload.get("meta", {})),
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ConfigError(f"judge model file is malformed: {error!r}") from error


def _head(payload: dict[str, Any]) -> Head:
    weights = {str(name): float(weight) for name, weight in payload["weights"].items()}
    return Head(float(payload["bias"]), weights, float(payload["platt"][0]), float(payload["platt"][1]))


@cache
def builtin_model() -> LinearModel:
    """The model shipped in the package, read once."""
    text = resources.files("spasibo").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    return LinearModel.from_json(json.loads(text))


class LinearJudge:
    """Judges candidates with a ``LinearModel`` (the built-in one unless given), loaded when first used."""

    def __init__(self, model: LinearModel | None = None) -> None:
        self._model = model

    @property
    def model(self) -> LinearModel:
        """The model, read from the package on first use."""
        if self._model is None:
            self._model = builtin_model()
        return self._model

    def __call__(self, candidate: Candidate) -> Judgement:
        model = self.model
        features = candidate_features(candidate, model.config)
        gratitude = model.gratitude.probability(model.gratitude.raw(features))
        closing = model.closing.probability(model.closing.raw(features))
        return Judgement(gratitude, closing, JUDGE_NAME)

    def explain(self, candidate: Candidate, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """Per head, the ``top`` features that pushed it most (positive: towards yes)."""
        model = self.model
        features = candidate_features(candidate, model.config)
        return {
            GRATITUDE: model.gratitude.contributions(features)[:top],
            CLOSING: model.closing.contributions(features)[:top],
        }
