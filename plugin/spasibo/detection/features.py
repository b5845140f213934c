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
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple

from spasibo.detection.candidate import Candidate
from spasibo.detection.context import IS_WORD
from spasibo.detection.normalize import Kind

THANKS, WEAK = "<T>", "<W>"
WORD, NUMBER, CODE, END = Kind.WORD, Kind.NUMBER, Kind.CODE, Kind.END
_POSITIONS = {(False, False): "alone", (False, True): "start", (True, False): "end", (True, True): "mid"}
# the message length in words goes in the first bucket whose limit it is within
_LENGTH_LIMITS = (1, 2, 4, 8, 16, 32)
_LENGTH_NAMES = ("len:1", "len:2", "len:3-4", "len:5-8", "len:9-16", "len:17-32", "len:33+")
_KIND = itemgetter(3)  # a token's kind (``Token`` is a named tuple)


@dataclass(frozen=True)
class FeatureConfig:
    """How features are read; stored in the model file so training and runtime agree."""

    char_min: int = 2
    char_max: int = 5
    word_window: int = 12


class CandidateFeatures(NamedTuple):
    """A candidate's features: ``features``, and the ``words`` whose own features (``word_features``: the
    unigram and the character n-grams) count too, each once per occurrence."""

    features: list[str]
    words: list[str]


def candidate_features(candidate: Candidate, config: FeatureConfig) -> CandidateFeatures:
    """The features of one candidate."""
    tokens = candidate.tokens
    matches = candidate.matches
    inside: dict[int, str] = {}
    for match in matches:
        mark = WEAK if match.phrase.weak else THANKS
        for index in range(match.first, match.last):
            inside[index] = mark
    if matches:
        first = min([m.first for m in matches])
        last = max([m.last for m in matches])
    else:
        first, last = 0, len(tokens)
    low, high = max(0, first - config.word_window), min(len(tokens), last + config.word_window)
    sequence: list[str] = ["^"] if low == 0 else []
    words: list[str] = []
    add, add_word, marked = sequence.append, words.append, inside.get
    previous_mark = ""
    for index in range(low, high):
        inside_mark = marked(index)
        if inside_mark is not None:
            if inside_mark != previous_mark:
                add(inside_mark)
            previous_mark = inside_mark
            continue
        previous_mark = ""
        text, _, _, kind = tokens[index]
        if kind is WORD:
            add(text)
            add_word(text)
        elif kind is NUMBER or kind is CODE:
            add("<N>")
        elif kind is END:
            add(text[0] if text[0] in "?!" else ".")
        else:
            add(text)
    if high == len(tokens):
        add("$")
    word_set = set(words)
    features = ["w:" + item for item in sequence if item not in word_set]
    features += [f"b:{left} {right}" for left, right in pairwise(sequence)]
    _finder_features(features, candidate)
    return CandidateFeatures(list(dict.fromkeys(features)), list(dict.fromkeys(words)))


def word_features(word: str, config: FeatureConfig) -> list[str]:
    """The features one word brings wherever it stands: its unigram and its character n-grams (with ``<``
    and ``>`` marking its ends)."""
    marked = f"<{word}>"
    size = len(marked)
    return [
        "w:" + word,
        *(
            "c:" + marked[start : start + n]
            for n in range(config.char_min, min(config.char_max, size) + 1)
            for start in range(size - n + 1)
        ),
    ]


def all_features(found: CandidateFeatures, config: FeatureConfig) -> list[str]:
    """The candidate's features and each distinct word's own ones, as the runtime adds them up (a character
    n-gram two different words share counts twice); for training and explanations."""
    return [*found.features, *(feature for word in found.words for feature in word_features(word, config))]


def _finder_features(features: list[str], candidate: Candidate) -> None:
    matches = candidate.matches
    for match in matches:
        phrase = match.phrase
        features += ("p:" + " ".join(phrase.words), "lang:" + phrase.language, "read:" + match.reading)
    features.append("n:" + str(min(len(matches), 3)))
    if matches and all([match.phrase.weak for match in matches]):
        features.append("weak_only")
    # how many words (every token but marks), where the first and the last one stand
    flags = list(map(IS_WORD.__getitem__, map(_KIND, candidate.tokens)))  # 1 for a word, 0 for a mark
    count = flags.count(1)
    if matches:
        first_word = flags.index(1) if count else -1
        last_word = len(flags) - 1 - flags[::-1].index(1) if count else -1
        before = 0 <= first_word < matches[0].first
        after = last_word >= matches[-1].last
        features.append("pos:" + _POSITIONS[before, after])
    features.append(_LENGTH_NAMES[bisect_left(_LENGTH_LIMITS, count)])
    if candidate.hits:
        features.extend(sorted({"rule:" + hit.id for hit in candidate.hits}))
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
    features.append("script:" + candidate.script)
