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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from sys import intern
from typing import Any

from spasibo.detection.candidate import Candidate, Judgement
from spasibo.detection.features import (
    BIGRAM,
    UNIGRAM,
    FeatureConfig,
    candidate_features,
    word_features,
)
from spasibo.errors import ConfigError

MODEL_RESOURCE = "data/judge.json"
JUDGE_NAME = "linear"
GRATITUDE, CLOSING = "gratitude", "closing"
_MEMO_WORDS = 50_000  # distinct words whose n-gram sums are remembered before the memo starts over
_NO_WEIGHT = (0.0, 0.0)
_EXP_LIMIT = 35.0
_new_object, _set_attribute = object.__new__, object.__setattr__


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
    # The weights again as the runtime sums them: each pair as one complex number (gratitude + closing·i),
    # whose addition adds the two parts as two floats would be added, so a sum in the same order is the
    # same to the bit; one small object to read per feature instead of a tuple and two floats. ``unigrams``
    # and ``bigrams`` are keyed as ``CandidateFeatures`` holds them (the bigram as a pair of items).
    summed: dict[str, complex] = field(init=False, repr=False, compare=False)
    unigrams: dict[str, complex] = field(init=False, repr=False, compare=False)
    bigrams: dict[tuple[str, str], complex] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        summed = {name: complex(*pair) for name, pair in self.weights.items()}
        unigrams: dict[str, complex] = {}
        bigrams: dict[tuple[str, str], complex] = {}
        # names interned, as the runtime's words and feature names are: a lookup finds its key by identity
        for name, weight in summed.items():
            if name.startswith(UNIGRAM):
                unigrams[intern(name[len(UNIGRAM) :])] = weight
            elif name.startswith(BIGRAM):
                left, space, right = name[len(BIGRAM) :].partition(" ")
                if space and " " not in right:  # an item never holds a space
                    bigrams[intern(left), intern(right)] = weight
        object.__setattr__(self, "summed", summed)
        object.__setattr__(self, "unigrams", unigrams)
        object.__setattr__(self, "bigrams", bigrams)

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> LinearModel:
        """Build from the parsed model file; ``ConfigError`` naming what is wrong when malformed."""
        try:
            gratitude, closing = payload["heads"][GRATITUDE], payload["heads"][CLOSING]
            weights: dict[str, tuple[float, float]] = {}
            for name, weight in gratitude["weights"].items():
                weights[intern(str(name))] = (float(weight), 0.0)
            for name, weight in closing["weights"].items():
                weights[intern(str(name))] = (weights.get(str(name), _NO_WEIGHT)[0], float(weight))
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
        self._word_sums: _WordSums | None = None
        self._lookups: _Lookups | None = None

    @cached_property  # after the first read a plain attribute, asked twice per candidate
    def model(self) -> LinearModel:
        """The model, read from the package on first use."""
        return builtin_model() if self._model is None else self._model

    def _lookups_of_model(self) -> _Lookups:
        """What scoring reads of the model, taken once: on Python 3.11 the model's attributes, a cached
        property and a dict's bound ``get`` are each read through the generic attribute lookup, a dozen
        per candidate when read there."""
        model = self.model
        word_sums = self._word_sums
        if word_sums is None:
            word_sums = self._word_sums = _WordSums(model)
        for_gratitude, for_closing = model.calibration
        self._lookups = lookups = (
            model.config,
            complex(*model.bias),  # both biases as one number, the sum's start
            model.unigrams.get,
            model.bigrams.get,
            model.summed.get,
            word_sums.__getitem__,
            for_gratitude.probability,
            for_closing.probability,
        )
        return lookups

    def raw_scores(self, candidate: Candidate) -> tuple[float, float]:
        """The two heads' scores before calibration."""
        total = self._raw_sum(candidate, self._lookups or self._lookups_of_model())
        return total.real, total.imag

    def _raw_sum(self, candidate: Candidate, lookups: _Lookups) -> complex:
        """Both heads' raw scores as one complex number (gratitude + closing·i)."""
        config, total, unigram, bigram, finder, word_sum, _, _ = lookups
        unigrams, bigrams, finder_features, words = candidate_features(candidate, config)
        # Both heads at once, as complex numbers, in the order ``found.features`` lists the features, then the
        # words (a floating-point sum depends on its order). Features the model lacks (None) and weights of
        # exactly zero are left out: adding zero to a sum that starts at the bias changes nothing (an exact
        # cancellation gives +0.0, never -0.0). Plain loops: for a few dozen features they take less time
        # than ``reduce`` over ``filter`` and ``chain`` in C, which call through a layer per feature.
        for weight in map(unigram, unigrams):
            if weight:
                total += weight
        for weight in map(bigram, bigrams):
            if weight:
                total += weight
        for weight in map(finder, finder_features):
            if weight:
                total += weight
        for word_weight in map(word_sum, words):
            if word_weight:
                total += word_weight
        return total

    def __call__(self, candidate: Candidate) -> Judgement:
        lookups = self._lookups or self._lookups_of_model()
        total = self._raw_sum(candidate, lookups)
        *_, gratitude_probability, closing_probability = lookups
        # what ``Judgement(...)`` builds, with its fields set at once (a frozen dataclass's ``__init__`` sets
        # each through ``object.__setattr__``)
        judgement: Judgement = _new_object(Judgement)
        _set_attribute(
            judgement,
            "__dict__",
            {
                "gratitude": gratitude_probability(total.real),
                "closing": closing_probability(total.imag),
                "judge": JUDGE_NAME,
                "rule": None,
            },
        )
        return judgement

    def explain(self, candidate: Candidate, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """Per head, the ``top`` features that pushed it most (positive: towards yes); repeats are summed,
        and a word's own features (unigram and character n-grams) count as one, ``word:<word>``."""
        model = self.model
        found = candidate_features(candidate, model.config)
        totals: dict[str, tuple[float, float]] = {}
        pushes = [(f, model.weights.get(f, _NO_WEIGHT)) for f in found.features]
        word_sums = _WordSums(model)
        for word in found.words:
            total = word_sums[word]
            pushes.append((f"word:{word}", (total.real, total.imag)))
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


# what ``LinearJudge`` reads of its model per candidate: the feature settings, the biases, the weight lookups
# (unigrams, bigrams, the finder's features, a word's own sum) and the two calibrations
_Lookups = tuple[
    FeatureConfig,
    complex,
    Callable[[str], "complex | None"],
    Callable[[tuple[str, str]], "complex | None"],
    Callable[[str], "complex | None"],
    Callable[[str], complex],
    Callable[[float], float],
    Callable[[float], float],
]


class _WordSums(dict[str, complex]):
    """Each word's own features (its unigram and character n-grams) summed per head: worked out when a word
    is first looked up, then remembered (up to ``_MEMO_WORDS`` words, then it starts over)."""

    def __init__(self, model: LinearModel) -> None:
        super().__init__()
        self._model = model

    def __missing__(self, word: str) -> complex:
        weights = self._model.summed
        total = 0j  # both heads (see ``LinearModel.summed``), summed in the order of ``word_features``
        for feature in word_features(word, self._model.config):
            weight = weights.get(feature)
            if weight is not None:
                total += weight
        if len(self) >= _MEMO_WORDS:
            self.clear()
        self[word] = total
        return total
