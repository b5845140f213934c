"""The built-in judge: two logistic models over ``features.candidate_features``, read from a data file.

``spasibo/data/judge.json`` holds, per head (``gratitude``, ``closing``), a bias, a weight per feature
string and the Platt scaling fitted on held-out writers, so ``probability = 1 / (1 + exp(-(a·z + b)))`` is
calibrated; plus the feature settings and the default thresholds chosen on validation. It is built by
``make model`` (see ``training/``) and read with plain dictionaries: no numpy or scikit-learn at runtime.
The file is read on the first judgement, not at import. Both heads are scored in one pass: each feature
maps to its pair of weights, and a word's own features (unigram, character n-grams) are summed once and
remembered.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from spasibo.detection.candidate import Candidate, Judgement
from spasibo.detection.features import FeatureConfig, candidate_features, word_features
from spasibo.errors import ConfigError

MODEL_RESOURCE = "data/judge.json"
JUDGE_NAME = "linear"
GRATITUDE, CLOSING = "gratitude", "closing"
_MEMO_WORDS = 50_000  # distinct words whose n-gram sums are remembered before the memo starts over
_NO_WEIGHT = (0.0, 0.0)
_EXP_LIMIT = 35.0


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of one head's raw score."""

    a: float
    b: float

    def probability(self, raw: float) -> float:
        """The calibrated probability of a raw score."""
        z = self.a * raw + self.b
        if z < -_EXP_LIMIT:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class LinearModel:
    """Both heads (a pair of weights per feature, two biases, two calibrations) and their settings."""

    config: FeatureConfig
    weights: dict[str, tuple[float, float]]
    bias: tuple[float, float]
    calibration: tuple[Calibration, Calibration]
    min_scores: dict[str, float]
    meta: dict[str, Any]

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> LinearModel:
        """Build from the parsed model file; ``ConfigError`` naming what is wrong when malformed."""
        try:
            gratitude, closing = payload["heads"][GRATITUDE], payload["heads"][CLOSING]
            weights: dict[str, tuple[float, float]] = {}
            for name, weight in gratitude["weights"].items():
                weights[str(name)] = (float(weight), 0.0)
            for name, weight in closing["weights"].items():
                weights[str(name)] = (weights.get(str(name), _NO_WEIGHT)[0], float(weight))
            return cls(
                FeatureConfig(**payload["features"]),
                weights,
                (float(gratitude["bias"]), float(closing["bias"])),
                (Calibration(*map(float, gratitude["platt"])), Calibration(*map(float, closing["platt"]))),
                {str(k): float(v) for k, v in payload["min_scores"].items()},
                dict(payload.get("meta", {})),
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ConfigError(f"judge model file is malformed: {error!r}") from error


@cache
def builtin_model() -> LinearModel:
    """The model shipped in the package, read once."""
    text = resources.files("spasibo").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    return LinearModel.from_json(json.loads(text))


class LinearJudge:
    """Judges candidates with a ``LinearModel`` (the built-in one unless given), loaded when first used."""

    def __init__(self, model: LinearModel | None = None) -> None:
        self._model = model
        self._word_sums: dict[str, tuple[float, float]] = {}

    @property
    def model(self) -> LinearModel:
        """The model, read from the package on first use."""
        if self._model is None:
            self._model = builtin_model()
        return self._model

    def raw_scores(self, candidate: Candidate) -> tuple[float, float]:
        """The two heads' scores before calibration."""
        model = self.model
        weights = model.weights
        gratitude, closing = model.bias
        found = candidate_features(candidate, model.config)
        for pair in map(weights.get, found.features):  # the lookups run in C
            if pair is not None:
                gratitude += pair[0]
                closing += pair[1]
        words = found.words
        for word, pair in zip(words, map(self._word_sums.get, words), strict=True):
            if pair is None:
                pair = self._word_sum(word)
            gratitude += pair[0]
            closing += pair[1]
        return gratitude, closing

    def _word_sum(self, word: str) -> tuple[float, float]:
        model = self.model
        gratitude = closing = 0.0
        for feature in word_features(word, model.config):
            pair = model.weights.get(feature)
            if pair is not None:
                gratitude += pair[0]
                closing += pair[1]
        if len(self._word_sums) >= _MEMO_WORDS:
            self._word_sums.clear()
        self._word_sums[word] = (gratitude, closing)
        return gratitude, closing

    def __call__(self, candidate: Candidate) -> Judgement:
        gratitude, closing = self.raw_scores(candidate)
        for_gratitude, for_closing = self.model.calibration
        return Judgement(for_gratitude.probability(gratitude), for_closing.probability(closing), JUDGE_NAME)

    def explain(self, candidate: Candidate, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """Per head, the ``top`` features that pushed it most (positive: towards yes); repeats are summed,
        and a word's own features (unigram and character n-grams) count as one, ``word:<word>``."""
        model = self.model
        found = candidate_features(candidate, model.config)
        totals: dict[str, tuple[float, float]] = {}
        pushes = [(f, model.weights.get(f, _NO_WEIGHT)) for f in found.features]
        pushes.extend((f"word:{word}", self._word_sum(word)) for word in found.words)
        for feature, pair in pushes:
            old = totals.get(feature, _NO_WEIGHT)
            totals[feature] = (old[0] + pair[0], old[1] + pair[1])
        return {
            head: sorted(
                ((feature, pair[index]) for feature, pair in totals.items() if pair[index]),
                key=lambda item: -abs(item[1]),
            )[:top]
            for index, head in enumerate((GRATITUDE, CLOSING))
        }
