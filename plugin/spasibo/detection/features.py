"""The features the trained judge reads from a candidate: the same code at training time and at runtime.

Every feature is a short string; the model is a weight per string. Words are the finder's normalised
tokens (lower case, ё→е, stretched letters collapsed), with the matched thanks phrase replaced by ``<T>``
(``<W>`` for a weak one such as 🙏) so what surrounds a thanks is learnt once for every way of writing it:

* ``w:`` word unigrams and ``b:`` bigrams (with ``^``/``$`` for the message's ends and sentence marks as
  words), ``c:`` character n-grams within each word (``<word>`` with its boundaries);
* ``p:`` the phrase, ``lang:`` its language, ``read:`` how it was read (exact, fuzzy, layout, translit),
  ``n:`` how many phrases, ``pos:`` where the first one sits, ``len:`` the message length in words;
* ``rule:`` every rule that fired, ``reply`` when the closing rules see a request, ``pleasant`` when every
  other word is a pleasantry, ``q`` for a question mark, ``!`` for an exclamation mark.

Only words within ``word_window`` words of a phrase are read, so a long message costs no more than a short
one. A feature counts once however often it occurs, and so does a word (with its unigram and character
n-grams, which the runtime adds up once per distinct word and remembers): counts let a writer's style pile up
(every full stop of a punctuated Reddit comment pushed it towards "insincere"), presence generalises better
to writers the judge has not seen (cross-fitted log loss 0.211 → 0.206, on Reddit text 0.572 → 0.539).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter
from sys import intern
from typing import NamedTuple

from spasibo.detection.candidate import Candidate
from spasibo.detection.context import IS_WORD
from spasibo.detection.normalize import Kind, Token

# every name the judge looks up is interned, as the model's are, so a lookup finds it by identity
THANKS, WEAK, NUMBER_ITEM, START, STOP = map(intern, ("<T>", "<W>", "<N>", "^", "$"))
UNIGRAM, BIGRAM = "w:", "b:"  # the prefixes of the word unigrams and bigrams in the model file
WORD, NUMBER, CODE, END = Kind.WORD, Kind.NUMBER, Kind.CODE, Kind.END
_POSITIONS = {
    (False, False): intern("pos:alone"),
    (False, True): intern("pos:start"),
    (True, False): intern("pos:end"),
    (True, True): intern("pos:mid"),
}
# the message length in words goes in the first bucket whose limit it is within
_LENGTH_LIMITS = (1, 2, 4, 8, 16, 32)
_COUNT_NAMES = tuple(map(intern, ("n:0", "n:1", "n:2", "n:3")))  # how many phrases, three or more as three
_LENGTH_NAMES = tuple(
    map(intern, ("len:1", "len:2", "len:3-4", "len:5-8", "len:9-16", "len:17-32", "len:33+"))
)
# the bucket of each length up to the last limit, looked up rather than bisected per candidate
_LENGTH_BY_COUNT = tuple(_LENGTH_NAMES[bisect_left(_LENGTH_LIMITS, n)] for n in range(_LENGTH_LIMITS[-1] + 1))
_FIRST = attrgetter("first")
_END_ITEMS = {"?": "?", "!": "!"}  # a sentence end reads as these, or as "."
# (phrase text, language, reading) -> the three features a match brings, spelt once: at most four readings
# of each phrase (the built-in packs: 315 phrases, so 1,260 entries), about 370 bytes an entry
_MATCH_FEATURES: dict[tuple[str, str, str], tuple[str, str, str]] = {}
_new_tuple = tuple.__new__
_from_keys = dict.fromkeys  # a class method: ``dict.fromkeys(...)`` would be looked up unspecialised per call
_RULE_NAMES: dict[str, str] = {}  # rule id -> its feature, "rule:<id>"
_SCRIPT_NAMES: dict[str, str] = {}  # script -> its feature, "script:<script>"
_MEMO_MATCHES = 4_096  # entries remembered before the memo starts over (at most about 1.5 MB)


@dataclass(frozen=True)
class FeatureConfig:
    """How features are read; stored in the model file so training and runtime agree."""

    char_min: int = 2
    char_max: int = 5
    word_window: int = 12


class CandidateFeatures(NamedTuple):
    """A candidate's features: the ``w:`` unigrams of what is not a word (marks, ``<T>``, ``<N>``) and the
    ``b:`` bigrams, both without their prefix (``bigrams`` as pairs), the finder's own ones (``finder``), and
    the ``words`` whose own features (``word_features``: the unigram and the character n-grams) count too.
    Each list holds a feature once, in the order it first occurs; ``features`` spells them all as the model
    file names them. The runtime looks the parts up as they are, so no feature string is built per message.
    """

    unigrams: list[str]
    bigrams: list[tuple[str, str]]
    finder: list[str]
    words: list[str]

    @property
    def features(self) -> list[str]:
        """Every feature but the words' own ones, as the model file names them."""
        return [
            *(UNIGRAM + item for item in self.unigrams),
            *(f"{BIGRAM}{left} {right}" for left, right in self.bigrams),
            *self.finder,
        ]


def candidate_features(candidate: Candidate, config: FeatureConfig) -> CandidateFeatures:
    """The features of one candidate."""
    tokens = candidate.tokens
    # the phrases in reading order (the finder never overlaps them)
    matches = sorted(candidate.matches, key=_FIRST) if len(candidate.matches) > 1 else candidate.matches
    size, window = len(tokens), config.word_window
    first, last = (matches[0].first, matches[-1].last) if matches else (0, size)
    low = first - window if first > window else 0
    high = last + window if last + window < size else size
    sequence: list[str] = [START] if low == 0 else []
    # what is not a word (marks, ``<T>``, ``<N>``) and the words, each once in the order it first occurs
    others: dict[str, None] = {START: None} if low == 0 else {}
    words: dict[str, None] = {}
    at, previous_mark = low, ""
    for match in matches:  # each phrase one mark, a run of phrases with the same mark one
        if match.first > at:
            _read(tokens[at : match.first], sequence, others, words)
            previous_mark = ""
        mark = WEAK if match.phrase.weak else THANKS
        if mark != previous_mark:
            sequence.append(mark)
            others[mark] = None
        previous_mark, at = mark, match.last
    if at < high:
        _read(tokens[at:high], sequence, others, words)
    if high == size:
        sequence.append(STOP)
        others[STOP] = None
    finder: list[str] = []
    _finder_features(finder, candidate)
    return _new_tuple(  # ``CandidateFeatures(...)`` without the Python-level ``__new__``
        CandidateFeatures,
        (
            list(others),
            list(_from_keys(pairwise(sequence))),
            finder if len(matches) < 2 else list(_from_keys(finder)),  # only a match's own ones repeat
            list(words),
        ),
    )


def _read(
    tokens: Sequence[Token], sequence: list[str], others: dict[str, None], words: dict[str, None]
) -> None:
    """Add what ``tokens`` read as to ``sequence`` (a word as itself, a number or code as ``<N>``, a sentence
    end as ``?``, ``!`` or ``.``, any other mark as itself), their words to ``words`` and the rest to
    ``others`` (a word is letters, so it never reads as a mark does)."""
    for text, _, _, kind in tokens:
        if kind is WORD:
            words[text] = None
        else:
            if kind is NUMBER or kind is CODE:
                text = NUMBER_ITEM
            elif kind is END:
                text = _END_ITEMS.get(text[0], ".")
            others[text] = None
        sequence.append(text)


def word_features(word: str, config: FeatureConfig) -> list[str]:
    """The features one word brings wherever it stands: its unigram and its character n-grams (with ``<``
    and ``>`` marking its ends)."""
    return [UNIGRAM + word, *char_ngrams(word, config)]


def char_ngrams(word: str, config: FeatureConfig) -> list[str]:
    """A word's character n-gram features, ``word_features`` without the unigram."""
    marked = f"<{word}>"
    size = len(marked)
    return [
        "c:" + marked[start : start + n]
        for n in range(config.char_min, min(config.char_max, size) + 1)
        for start in range(size - n + 1)
    ]


def all_features(found: CandidateFeatures, config: FeatureConfig) -> list[str]:
    """The candidate's features and each distinct word's own ones, as the runtime adds them up (a character
    n-gram two different words share counts twice); for training and explanations."""
    return [*found.features, *(feature for word in found.words for feature in word_features(word, config))]


def _finder_features(features: list[str], candidate: Candidate) -> None:
    matches = candidate.matches
    weak_only = bool(matches)
    for match in matches:
        phrase = match.phrase
        key = (phrase.text, phrase.language, match.reading)
        named = _MATCH_FEATURES.get(key)
        if named is None:
            if len(_MATCH_FEATURES) >= _MEMO_MATCHES:
                _MATCH_FEATURES.clear()
            named = _MATCH_FEATURES[key] = (
                intern("p:" + " ".join(phrase.words)),
                intern("lang:" + phrase.language),
                intern("read:" + match.reading),
            )
        features += named
        weak_only = weak_only and phrase.weak
    features.append(_COUNT_NAMES[len(matches)] if len(matches) < len(_COUNT_NAMES) else _COUNT_NAMES[-1])
    if weak_only:
        features.append("weak_only")
    # how many words (every token but marks), where the first and the last one stand
    positions = candidate.word_positions
    if positions is None:
        positions = [at for at, token in enumerate(candidate.tokens) if IS_WORD[token.kind]]
    count = len(positions)
    if matches:
        before = count > 0 and positions[0] < matches[0].first
        after = count > 0 and positions[-1] >= matches[-1].last
        features.append(_POSITIONS[before, after])
    features.append(_LENGTH_BY_COUNT[count] if count < len(_LENGTH_BY_COUNT) else _LENGTH_NAMES[-1])
    if candidate.hits:
        features.extend(sorted({_named(_RULE_NAMES, "rule:", hit.id) for hit in candidate.hits}))
    if candidate.needs_reply:
        features.append("reply")
    if candidate.only_pleasantries:
        features.append("pleasant")
    text = candidate.text
    if "?" in text:
        features.append("q")
    if "!" in text:
        features.append("!")
    if candidate.truncated:
        features.append("truncated")
    features.append(_named(_SCRIPT_NAMES, "script:", candidate.script))


def _named(names: dict[str, str], prefix: str, value: str) -> str:
    """``prefix + value``, spelt once and interned (rule ids and scripts are few)."""
    name = names.get(value)
    if name is None:
        if len(names) >= _MEMO_MATCHES:
            names.clear()
        name = names[value] = intern(prefix + value)
    return name
