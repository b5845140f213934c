"""The built-in judge: two logistic models over ``features.candidate_features``, read from a data file.

``spasibo/data/judge.json`` holds, per head (``gratitude``, ``closing``), a bias, a weight per feature
string and the Platt scaling fitted on held-out writers, so ``probability = 1 / (1 + exp(-(a·z + b)))`` is
calibrated; plus the feature settings and the default thresholds chosen on validation. It is built by
``make model`` (see ``training/``) and read with plain dictionaries: no numpy or scikit-learn at runtime.
The file is read on the first judgement, not at import. Both heads are scored in one pass: each feature
maps to its pair of weights, and a word's own features (unigram, character n-grams) are summed once and
remembered.

The file's weights (format 2, ``weights_json``) are laid out as the runtime looks them up, so reading them is
a few passes in C rather than a Python loop per feature: the words and marks of the unigrams and bigrams once,
space-separated; the bigrams as pairs of their indices; every other feature by its full name; each weight a
whole number of ``1/scale`` (the training rounds them to that), which parses faster than a decimal and gives
the same float to the bit (IEEE division is correctly rounded, as reading the decimal is). Format 1 (a weight
per name per head) is still read, slowly, for comparing with older judges.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from itertools import islice, repeat
from operator import truediv
from sys import intern
from typing import Any

from spasibo.detection.candidate import Candidate, Judgement
from spasibo.detection.features import (
    BIGRAM,
    UNIGRAM,
    FeatureConfig,
    candidate_features,
    char_ngrams,
)
from spasibo.errors import ConfigError

MODEL_RESOURCE = "data/judge.json"
FORMAT = 2  # the model file's layout (``weights_json``); format 1 is read too
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
    """Both heads (a pair of weights per feature, two biases, two calibrations) and their settings.

    The weights are held as the runtime sums them: each pair as one complex number (gratitude + closing·i),
    whose addition adds the two parts as two floats would be added, so a sum in the same order is the same to
    the bit; one small object to read per feature instead of a tuple and two floats. They are split by the
    route each is looked up by: ``unigrams`` and ``bigrams`` keyed as ``CandidateFeatures`` holds them (the
    item without its ``w:``, the bigram as a pair of items; a word's own unigram is looked up there too),
    ``summed`` every other feature by its full name (the finder's and the character n-grams). Items and the
    finder's names are interned, as the runtime's are, so a lookup finds its key by identity. ``weights``
    gives them all by name as pairs, built when first asked (for ``explain``), not at load.
    """

    config: FeatureConfig
    bias: tuple[float, float]
    calibration: tuple[Calibration, Calibration]
    min_scores: dict[str, float]
    meta: dict[str, Any]
    unigrams: dict[str, complex]
    bigrams: dict[tuple[str, str], complex]
    summed: dict[str, complex]
    # set by ``__init__`` (a compiled class leaves a field with ``init=False`` undefined), filled by
    # ``weights``
    _by_name: dict[str, tuple[float, float]] | None = field(default=None, repr=False, compare=False)

    @property
    def weights(self) -> dict[str, tuple[float, float]]:
        """Every feature's pair of weights (gratitude, closing) by the name the model file gives it."""
        by_name = self._by_name
        if by_name is None:
            by_name = {name: (weight.real, weight.imag) for name, weight in self.summed.items()}
            for item, weight in self.unigrams.items():
                by_name[UNIGRAM + item] = (weight.real, weight.imag)
            for (left, right), weight in self.bigrams.items():
                by_name[f"{BIGRAM}{left} {right}"] = (weight.real, weight.imag)
            object.__setattr__(self, "_by_name", by_name)
        return by_name

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> LinearModel:
        """Build from the parsed model file; ``ConfigError`` naming what is wrong when malformed."""
        version = payload.get("format") if isinstance(payload, dict) else None
        if version not in (1, FORMAT):
            raise ConfigError(
                f"judge model file has format {version!r}; this spasibo reads formats 1 and {FORMAT} "
                "(rebuild it with `make model`)"
            )
        try:
            gratitude, closing = payload["heads"][GRATITUDE], payload["heads"][CLOSING]
            if version == 1:
                unigrams, bigrams, summed = _tables_of_format_1(gratitude["weights"], closing["weights"])
            else:
                unigrams, bigrams, summed = _tables(payload["weights"])
            return cls(
                FeatureConfig(**payload["features"]),
                (float(gratitude["bias"]), float(closing["bias"])),
                (Calibration(*map(float, gratitude["platt"])), Calibration(*map(float, closing["platt"]))),
                {str(k): float(v) for k, v in payload["min_scores"].items()},
                dict(payload.get("meta", {})),
                unigrams,
                bigrams,
                summed,
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ConfigError(f"judge model file is malformed: {error!r}") from error


_Tables = tuple[dict[str, complex], dict[tuple[str, str], complex], dict[str, complex]]


def weights_json(gratitude: dict[str, float], closing: dict[str, float], scale: int) -> dict[str, Any]:
    """Both heads' weights by feature name laid out as the model file (format 2) stores them; each weight
    must be a whole number of ``1/scale`` (``ValueError`` otherwise). Deterministic: everything sorted.

    ``items`` holds every unigram's item, then every other item a bigram names, space-separated (an item
    never holds a space); ``unigrams`` the weights of the first items, in that order; ``bigrams`` each pair
    as two indices into the items; ``named`` every other feature by its name. A weight a head lacks is 0."""
    names = sorted(gratitude.keys() | closing.keys())
    unigram_items = [name[len(UNIGRAM) :] for name in names if name.startswith(UNIGRAM)]
    pairs = [tuple(name[len(BIGRAM) :].split(" ")) for name in names if name.startswith(BIGRAM)]
    named = [name for name in names if not name.startswith((UNIGRAM, BIGRAM))]
    if any(" " in item for item in unigram_items) or any(len(pair) != 2 for pair in pairs):
        raise ValueError("an item of a unigram or bigram holds a space")
    known = set(unigram_items)
    items = unigram_items + sorted({item for pair in pairs for item in pair} - known)
    index = {item: at for at, item in enumerate(items)}

    def units(weights: dict[str, float], names: list[str]) -> list[int]:
        whole = []
        for name in names:
            weight = weights.get(name, 0.0)
            unit = round(weight * scale)
            if unit / scale != weight:
                raise ValueError(f"the weight of {name!r}, {weight!r}, is not a whole number of 1/{scale}")
            whole.append(unit)
        return whole

    def heads(names: list[str]) -> dict[str, list[int]]:
        return {GRATITUDE: units(gratitude, names), CLOSING: units(closing, names)}

    return {
        "scale": scale,
        "items": " ".join(items),
        "unigrams": heads([UNIGRAM + item for item in unigram_items]),
        "bigrams": {
            "left": [index[left] for left, _ in pairs],
            "right": [index[right] for _, right in pairs],
            **heads([f"{BIGRAM}{left} {right}" for left, right in pairs]),
        },
        "named": {"names": named, **heads(named)},
    }


def _tables(layout: dict[str, Any]) -> _Tables:
    """The lookup tables of format 2's weights, built in C: no Python code runs per feature."""
    scale = layout["scale"]
    if type(scale) is not int or scale <= 0:
        raise ValueError(f"scale must be a positive whole number, not {scale!r}")
    items = list(map(intern, layout["items"].split(" ")))
    unigram, bigram, named = layout["unigrams"], layout["bigrams"], layout["named"]
    count = _length(unigram, GRATITUDE, CLOSING)
    if count > len(items):
        raise ValueError(f"{count} unigram weights for {len(items)} items")
    left, right = bigram["left"], bigram["right"]
    _length(bigram, "left", "right", GRATITUDE, CLOSING)
    if left and min(min(left), min(right)) < 0:
        raise ValueError("a bigram's item index is negative")
    at = items.__getitem__
    _length(named, "names", GRATITUDE, CLOSING)
    return (
        dict(zip(islice(items, count), _pairs(unigram, scale), strict=True)),
        dict(zip(zip(map(at, left), map(at, right), strict=True), _pairs(bigram, scale), strict=True)),
        dict(zip(map(intern, named["names"]), _pairs(named, scale), strict=True)),
    )


def _length(part: dict[str, Any], *keys: str) -> int:
    """The common length of ``part``'s lists under ``keys`` (``ValueError`` when they differ)."""
    lengths = {key: len(part[key]) for key in keys}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"lists of different lengths: {lengths}")
    return lengths[keys[0]]


def _pairs(part: dict[str, Any], scale: int) -> Iterator[complex]:
    """Each feature's two weights (whole numbers of ``1/scale``) as one complex number."""
    return map(
        complex,
        map(truediv, part[GRATITUDE], repeat(scale)),
        map(truediv, part[CLOSING], repeat(scale)),
    )


def _tables_of_format_1(gratitude: dict[str, Any], closing: dict[str, Any]) -> _Tables:
    """The lookup tables of format 1's weights: a decimal per feature name, per head."""
    pairs: dict[str, tuple[float, float]] = {}
    for name, weight in gratitude.items():
        pairs[str(name)] = (float(weight), 0.0)
    for name, weight in closing.items():
        pairs[str(name)] = (pairs.get(str(name), _NO_WEIGHT)[0], float(weight))
    unigrams: dict[str, complex] = {}
    bigrams: dict[tuple[str, str], complex] = {}
    summed: dict[str, complex] = {}
    for name, pair in pairs.items():
        weight = complex(*pair)
        if name.startswith(UNIGRAM):
            unigrams[intern(name[len(UNIGRAM) :])] = weight
        elif name.startswith(BIGRAM):
            left, space, right = name[len(BIGRAM) :].partition(" ")
            if not space or " " in right:  # an item never holds a space
                raise ValueError(f"bigram {name!r} is not two items")
            bigrams[intern(left), intern(right)] = weight
        else:
            summed[intern(name)] = weight
    return unigrams, bigrams, summed


@cache
def builtin_model() -> LinearModel:
    """The model shipped in the package, read once."""
    # bytes: ``json`` decodes them as UTF-8 itself, without the text mode's pass for line endings
    data = resources.files("spasibo").joinpath(MODEL_RESOURCE).read_bytes()
    return LinearModel.from_json(json.loads(data))


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
        model = self._model
        # both heads (see ``LinearModel``), summed in the order of ``word_features``: the unigram, then the
        # character n-grams
        total = 0j
        weight = model.unigrams.get(word)
        if weight is not None:
            total += weight
        weights = model.summed
        for feature in char_ngrams(word, model.config):
            weight = weights.get(feature)
            if weight is not None:
                total += weight
        if len(self) >= _MEMO_WORDS:
            self.clear()
        self[word] = total
        return total
