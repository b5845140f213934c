"""The built-in judge: logistic models over ``features.candidate_features``, read from a data file.

``spasibo/data/judge.json`` holds the gratitude head as a multinomial model: for each *reason* a thanks-like
message is not thanks (``sarcasm``, ``negated``, ``other``) a weight per feature for that reason's logit
minus the sincere one's, so the raw gratitude score is ``−log Σ exp(dₖ)`` (the log odds of sincere against
every reason); and the closing head as one weight per feature. Each head has the Platt scaling fitted on
held-out writers, so ``probability = 1 / (1 + exp(-(a·raw + b)))`` is calibrated; plus the feature settings
and the default thresholds. It is built by ``make model`` (see ``training/``) and read with plain
dictionaries: no numpy or scikit-learn at runtime. The file is read on the first judgement, not at import.

Every head is scored in one pass. Each weight is a whole number of ``1/scale`` (the training rounds them to
that), so a feature's weights, one per *field* (each reason, then closing), are packed into one Python
integer, ``FIELD_BITS`` bits a field: adding two packed integers adds every field at once, exactly, in any
order (a field's sum stays far inside its bits), and one small object is read per feature. A word's own
features (unigram, character n-grams) are summed once and remembered.

The file's weights (``weights_json``) are laid out as the runtime looks them up, so reading them is a few
passes in C rather than a Python loop per feature: the words and marks of the unigrams and bigrams once,
space-separated; the bigrams as pairs of their indices; every other feature by its full name. Format 3 is
the multinomial gratitude head; formats 2 (a binary gratitude head laid out the same) and 1 (a decimal per
name per head) are still read, for comparing with older judges: their gratitude weight ``g`` is the one
reason's field ``−g``, which gives the same raw score.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from itertools import islice, repeat
from operator import add, lshift, neg
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
FORMAT = 3  # the model file's layout (``weights_json``); formats 1 and 2 are read too
JUDGE_NAME = "linear"
GRATITUDE, CLOSING = "gratitude", "closing"
BINARY_REASON = "insincere"  # the one reason of a binary gratitude head (formats 1 and 2)
FIELD_BITS = 48  # bits per field of a packed weight: a field's sum stays within ±2**47 (10**10 whole weights)
_FIELD = 1 << FIELD_BITS
_HALF = _FIELD >> 1
_FORMAT_1_SCALE = 10**6  # format 1 stored decimals: read to the nearest millionth
_MEMO_WORDS = 50_000  # distinct words whose n-gram sums are remembered before the memo starts over
_EXP_LIMIT = 35.0
_new_object, _set_attribute = object.__new__, object.__setattr__


def pack(units: Sequence[int]) -> int:
    """Whole-number weights, one per field, as one integer (field ``k`` at bit ``k·FIELD_BITS``)."""
    total = 0
    for at, unit in enumerate(units):
        total += unit << (at * FIELD_BITS)
    return total


def unpack(total: int, count: int) -> list[int]:
    """The ``count`` signed fields of a packed integer (or of a sum of them)."""
    fields = []
    for _ in range(count):
        low = total & (_FIELD - 1)
        if low >= _HALF:
            low -= _FIELD
        fields.append(low)
        total = (total - low) >> FIELD_BITS
    return fields


def log_odds(differences: Sequence[float]) -> float:
    """``−log Σ exp(dₖ)``: the log odds of sincere against every reason, from each reason's logit minus
    the sincere one's (one reason: ``−d``, exactly)."""
    top = max(differences)
    return -(top + math.log(sum(math.exp(d - top) for d in differences)))


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
    """The heads (a packed weight per feature, the packed biases, two calibrations) and their settings.

    ``reasons`` names the gratitude fields, in order; the closing field comes last. The packed weights
    (whole numbers of ``1/scale``) are split by the route each is looked up by: ``unigrams`` and ``bigrams``
    keyed as ``CandidateFeatures`` holds them (the item without its ``w:``, the bigram as a pair of items; a
    word's own unigram is looked up there too), ``summed`` every other feature by its full name (the finder's
    and the character n-grams). Items and the finder's names are interned, as the runtime's are, so a lookup
    finds its key by identity. ``weights`` gives them all by name as floats, one per field, built when first
    asked (for ``explain``), not at load.
    """

    config: FeatureConfig
    reasons: tuple[str, ...]
    scale: int
    bias: int
    calibration: tuple[Calibration, Calibration]
    min_scores: dict[str, float]
    meta: dict[str, Any]
    unigrams: dict[str, int]
    bigrams: dict[tuple[str, str], int]
    summed: dict[str, int]
    # set by ``__init__`` (a compiled class leaves a field with ``init=False`` undefined), filled by
    # ``weights``
    _by_name: dict[str, tuple[float, ...]] | None = field(default=None, repr=False, compare=False)

    @property
    def fields(self) -> int:
        """How many fields a packed weight holds: one per reason, then closing."""
        return len(self.reasons) + 1

    def values(self, packed: int) -> tuple[float, ...]:
        """A packed weight (or sum) as floats, one per field."""
        scale = self.scale
        return tuple(unit / scale for unit in unpack(packed, self.fields))

    def raw_scores(self, packed: int) -> tuple[float, float]:
        """The two heads' scores before calibration from a packed sum (biases included): the log odds of
        sincere gratitude against every reason, and closing's field."""
        scale = self.scale
        *reasons, closing = unpack(packed, self.fields)
        return log_odds([unit / scale for unit in reasons]), closing / scale

    @property
    def weights(self) -> dict[str, tuple[float, ...]]:
        """Every feature's weights, one per field (each reason, then closing), by the name the model file
        gives it."""
        by_name = self._by_name
        if by_name is None:
            values = self.values
            by_name = {name: values(weight) for name, weight in self.summed.items()}
            for item, weight in self.unigrams.items():
                by_name[UNIGRAM + item] = values(weight)
            for (left, right), weight in self.bigrams.items():
                by_name[f"{BIGRAM}{left} {right}"] = values(weight)
            object.__setattr__(self, "_by_name", by_name)
        return by_name

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> LinearModel:
        """Build from the parsed model file; ``ConfigError`` naming what is wrong when malformed."""
        version = payload.get("format") if isinstance(payload, dict) else None
        if version not in (1, 2, FORMAT):
            raise ConfigError(
                f"judge model file has format {version!r}; this spasibo reads formats 1 to {FORMAT} "
                "(rebuild it with `make model`)"
            )
        try:
            gratitude, closing = payload["heads"][GRATITUDE], payload["heads"][CLOSING]
            negated: tuple[str, ...] = ()  # fields whose stored weights are the reason's with the sign turned
            if version == FORMAT:
                reasons = tuple(map(str, payload["reasons"]))
                if not reasons or len(set(reasons)) != len(reasons) or CLOSING in reasons:
                    raise ValueError(f"reasons must be distinct names other than closing, not {reasons!r}")
                gratitude_bias = [float(b) for b in gratitude["bias"]]
                if len(gratitude_bias) != len(reasons):
                    raise ValueError(f"{len(gratitude_bias)} gratitude biases for {len(reasons)} reasons")
                fields = [*reasons, CLOSING]
            else:
                reasons, gratitude_bias = (BINARY_REASON,), [-float(gratitude["bias"])]
                fields, negated = [GRATITUDE, CLOSING], (GRATITUDE,)
            if version == 1:
                scale = _FORMAT_1_SCALE
                unigrams, bigrams, summed = _tables_of_format_1(gratitude["weights"], closing["weights"])
            else:
                scale = payload["weights"]["scale"]
                unigrams, bigrams, summed = _tables(payload["weights"], fields, negated)
            biases = [round(b * scale) for b in [*gratitude_bias, float(closing["bias"])]]
            return cls(
                FeatureConfig(**payload["features"]),
                reasons,
                scale,
                pack(biases),
                (Calibration(*map(float, gratitude["platt"])), Calibration(*map(float, closing["platt"]))),
                {str(k): float(v) for k, v in payload["min_scores"].items()},
                dict(payload.get("meta", {})),
                unigrams,
                bigrams,
                summed,
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ConfigError(f"judge model file is malformed: {error!r}") from error


_Tables = tuple[dict[str, int], dict[tuple[str, str], int], dict[str, int]]


def weights_json(fields: dict[str, dict[str, float]], scale: int) -> dict[str, Any]:
    """The weights of every field (each reason, then closing) by feature name, laid out as the model file
    stores them; each weight must be a whole number of ``1/scale`` (``ValueError`` otherwise).
    Deterministic: everything sorted.

    ``items`` holds every unigram's item, then every other item a bigram names, space-separated (an item
    never holds a space); ``unigrams`` the weights of the first items, in that order, per field; ``bigrams``
    each pair as two indices into the items; ``named`` every other feature by its name. A weight a field
    lacks is 0."""
    names = sorted(set().union(*fields.values()))
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

    def by_field(names: list[str]) -> dict[str, list[int]]:
        return {name: units(weights, names) for name, weights in fields.items()}

    return {
        "scale": scale,
        "items": " ".join(items),
        "unigrams": by_field([UNIGRAM + item for item in unigram_items]),
        "bigrams": {
            "left": [index[left] for left, _ in pairs],
            "right": [index[right] for _, right in pairs],
            **by_field([f"{BIGRAM}{left} {right}" for left, right in pairs]),
        },
        "named": {"names": named, **by_field(named)},
    }


def _tables(layout: dict[str, Any], fields: list[str], negated: tuple[str, ...]) -> _Tables:
    """The lookup tables of format 2 or 3's weights, each feature's ``fields`` packed (those ``negated``
    with their sign turned), built in C: no Python code runs per feature."""
    scale = layout["scale"]
    if type(scale) is not int or scale <= 0:
        raise ValueError(f"scale must be a positive whole number, not {scale!r}")
    items = list(map(intern, layout["items"].split(" ")))
    unigram, bigram, named = layout["unigrams"], layout["bigrams"], layout["named"]
    count = _length(unigram, *fields)
    if count > len(items):
        raise ValueError(f"{count} unigram weights for {len(items)} items")
    left, right = bigram["left"], bigram["right"]
    _length(bigram, "left", "right", *fields)
    if left and min(min(left), min(right)) < 0:
        raise ValueError("a bigram's item index is negative")
    at = items.__getitem__
    _length(named, "names", *fields)
    return (
        dict(zip(islice(items, count), _packed(unigram, fields, negated), strict=True)),
        dict(
            zip(
                zip(map(at, left), map(at, right), strict=True), _packed(bigram, fields, negated), strict=True
            )
        ),
        dict(zip(map(intern, named["names"]), _packed(named, fields, negated), strict=True)),
    )


def _length(part: dict[str, Any], *keys: str) -> int:
    """The common length of ``part``'s lists under ``keys`` (``ValueError`` when they differ)."""
    lengths = {key: len(part[key]) for key in keys}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"lists of different lengths: {lengths}")
    return lengths[keys[0]]


def _packed(part: dict[str, Any], fields: list[str], negated: tuple[str, ...]) -> Iterator[int]:
    """Each feature's fields (whole numbers; those ``negated`` with their sign turned) packed into one
    integer, in C. A weight that is not a JSON whole number (a decimal, a string, ``true``, which Python
    would shift as 1) is a ``TypeError``."""
    packed: Iterable[int] = repeat(0)
    for at, name in enumerate(fields):
        kinds = set(map(type, part[name]))
        if not kinds <= {int}:
            wrong = sorted(kind.__name__ for kind in kinds - {int})
            raise TypeError(f"{name} weights must be whole numbers, not {', '.join(wrong)}")
        units = map(neg, part[name]) if name in negated else part[name]
        packed = map(add, packed, map(lshift, units, repeat(at * FIELD_BITS)))
    return iter(packed)


def _tables_of_format_1(gratitude: dict[str, Any], closing: dict[str, Any]) -> _Tables:
    """The lookup tables of format 1's weights: a decimal per feature name, per head (gratitude ``g`` read
    as the reason's field ``−g``)."""
    units: dict[str, list[int]] = {}
    for at, (weights, sign) in enumerate(((gratitude, -1), (closing, 1))):
        for name, weight in weights.items():
            units.setdefault(str(name), [0, 0])[at] = sign * round(float(weight) * _FORMAT_1_SCALE)
    unigrams: dict[str, int] = {}
    bigrams: dict[tuple[str, str], int] = {}
    summed: dict[str, int] = {}
    for name, pair in units.items():
        weight = pack(pair)
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
            model.bias,  # every field's bias, the sum's start
            model.unigrams.get,
            model.bigrams.get,
            model.summed.get,
            word_sums.__getitem__,
            model.raw_scores,
            for_gratitude.probability,
            for_closing.probability,
        )
        return lookups

    def field_sums(self, candidate: Candidate) -> tuple[float, ...]:
        """Every field's raw sum (each reason, then closing), biases included."""
        return self.model.values(self._packed_sum(candidate, self._lookups or self._lookups_of_model()))

    def raw_scores(self, candidate: Candidate) -> tuple[float, float]:
        """The two heads' scores before calibration: the log odds of sincere gratitude, closing's sum."""
        return self.model.raw_scores(self._packed_sum(candidate, self._lookups or self._lookups_of_model()))

    def _packed_sum(self, candidate: Candidate, lookups: _Lookups) -> int:
        """Every field's raw sum, packed."""
        config, total, unigram, bigram, finder, word_sum, *_ = lookups
        unigrams, bigrams, finder_features, words = candidate_features(candidate, config)
        # Every field at once, exactly (whole numbers). Features the model lacks (None) and weights of zero
        # are left out. Plain loops: for a few dozen features they take less time than ``reduce`` over
        # ``filter`` and ``chain`` in C, which call through a layer per feature.
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
        *_, raw_scores, gratitude_probability, closing_probability = lookups
        gratitude_raw, closing_raw = raw_scores(self._packed_sum(candidate, lookups))
        # what ``Judgement(...)`` builds, with its fields set at once (a frozen dataclass's ``__init__`` sets
        # each through ``object.__setattr__``)
        judgement: Judgement = _new_object(Judgement)
        _set_attribute(
            judgement,
            "__dict__",
            {
                "gratitude": gratitude_probability(gratitude_raw),
                "closing": closing_probability(closing_raw),
                "judge": JUDGE_NAME,
                "rule": None,
            },
        )
        return judgement

    def reason_shares(self, candidate: Candidate) -> dict[str, float]:
        """How the judge shares the message's chance of not being thanks among the reasons (summing to 1)."""
        *differences, _ = self.field_sums(candidate)
        top = max(differences)
        weights = [math.exp(d - top) for d in differences]
        return {reason: w / sum(weights) for reason, w in zip(self.model.reasons, weights, strict=True)}

    def explain(self, candidate: Candidate, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """Per head, the ``top`` features that pushed it most (positive: towards yes); repeats are summed,
        and a word's own features (unigram and character n-grams) count as one, ``word:<word>``. A feature's
        push on gratitude is its weights' pull on the log odds at this message, ``−Σ shareₖ · wₖ`` (one
        reason: ``−w``, the binary weight)."""
        model = self.model
        shares = list(self.reason_shares(candidate).values())
        found = candidate_features(candidate, model.config)
        none = (0.0,) * model.fields
        pushes = [(f, model.weights.get(f, none)) for f in found.features]
        word_sums = _WordSums(model)
        for word in found.words:
            pushes.append((f"word:{word}", model.values(word_sums[word])))
        totals: dict[str, tuple[float, float]] = {}
        for feature, weights in pushes:
            *differences, closing = weights
            gratitude = -sum(share * d for share, d in zip(shares, differences, strict=True))
            old = totals.get(feature, (0.0, 0.0))
            totals[feature] = (old[0] + gratitude, old[1] + closing)
        return {
            head: sorted(
                ((feature, pair[index]) for feature, pair in totals.items() if pair[index]),
                key=lambda item: -abs(item[1]),
            )[:top]
            for index, head in enumerate((GRATITUDE, CLOSING))
        }


# what ``LinearJudge`` reads of its model per candidate: the feature settings, the packed biases, the weight
# lookups (unigrams, bigrams, the finder's features, a word's own sum), the raw scores of a packed sum and
# the two calibrations
_Lookups = tuple[
    FeatureConfig,
    int,
    Callable[[str], "int | None"],
    Callable[[tuple[str, str]], "int | None"],
    Callable[[str], "int | None"],
    Callable[[str], int],
    Callable[[int], tuple[float, float]],
    Callable[[float], float],
    Callable[[float], float],
]


class _WordSums(dict[str, int]):
    """Each word's own features (its unigram and character n-grams) summed, packed: worked out when a word
    is first looked up, then remembered (up to ``_MEMO_WORDS`` words, then it starts over)."""

    def __init__(self, model: LinearModel) -> None:
        super().__init__()
        self._model = model

    def __missing__(self, word: str) -> int:
        model = self._model
        total = model.unigrams.get(word) or 0
        weights = model.summed
        for feature in char_ngrams(word, model.config):
            weight = weights.get(feature)
            if weight is not None:
                total += weight
        if len(self) >= _MEMO_WORDS:
            self.clear()
        self[word] = total
        return total
