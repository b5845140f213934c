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
one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from spasibo.detection.candidate import Candidate
from spasibo.detection.normalize import Kind

THANKS, WEAK = "<T>", "<W>"
_WORD_KINDS = frozenset((Kind.WORD, Kind.EMOJI, Kind.NUMBER, Kind.CODE))
_POSITIONS = {(False, False): "alone", (False, True): "start", (True, False): "end", (True, True): "mid"}
_LENGTH_BUCKETS = ((1, "1"), (2, "2"), (4, "3-4"), (8, "5-8"), (16, "9-16"), (32, "17-32"))


@dataclass(frozen=True)
class FeatureConfig:
    """How features are read; stored in the model file so training and runtime agree."""

    char_min: int = 2
    char_max: int = 5
    word_window: int = 30


def candidate_features(candidate: Candidate, config: FeatureConfig) -> set[str]:
    """The set of feature strings of one candidate."""
    tokens = candidate.tokens
    inside: dict[int, str] = {}
    for match in candidate.matches:
        mark = WEAK if match.phrase.weak else THANKS
        for index in range(match.first, match.last):
            inside[index] = mark
    first = min((m.first for m in candidate.matches), default=0)
    last = max((m.last for m in candidate.matches), default=len(tokens))
    low, high = _window(tokens, first, last, config.word_window)
    features: set[str] = set()
    sequence: list[str] = ["^"] if low == 0 else []
    char_min, char_max = config.char_min, config.char_max
    previous_mark = ""
    for index in range(low, high):
        token = tokens[index]
        inside_mark = inside.get(index)
        if inside_mark is not None:
            if inside_mark != previous_mark:
                sequence.append(inside_mark)
            previous_mark = inside_mark
            continue
        previous_mark = ""
        kind = token.kind
        if kind is Kind.WORD:
            word = token.text
            sequence.append(word)
            _char_ngrams(features, f"<{word}>", char_min, char_max)
        elif kind is Kind.NUMBER or kind is Kind.CODE:
            sequence.append("<N>")
        elif kind is Kind.EMOJI:
            sequence.append(token.text)
        elif kind is Kind.END:
            sequence.append(token.text[0] if token.text[0] in "?!" else ".")
        else:
            sequence.append(token.text)
    if high == len(tokens):
        sequence.append("$")
    for word in sequence:
        features.add("w:" + word)
    for left, right in pairwise(sequence):
        features.add(f"b:{left} {right}")
    _finder_features(features, candidate, low, high)
    return features


def _window(tokens: Sequence[object], first: int, last: int, words: int) -> tuple[int, int]:
    return max(0, first - words), min(len(tokens), last + words)


def _char_ngrams(features: set[str], word: str, low: int, high: int) -> None:
    size = len(word)
    for n in range(low, min(high, size) + 1):
        for start in range(size - n + 1):
            features.add("c:" + word[start : start + n])


def _finder_features(features: set[str], candidate: Candidate, low: int, high: int) -> None:
    matches = candidate.matches
    for match in matches:
        features.add("p:" + " ".join(match.phrase.words))
        features.add("lang:" + match.phrase.language)
        features.add("read:" + match.reading)
    features.add("n:" + str(min(len(matches), 3)))
    if matches and all(match.phrase.weak for match in matches):
        features.add("weak_only")
    if matches:
        before = any(t.kind in _WORD_KINDS for t in candidate.tokens[: matches[0].first])
        after = any(t.kind in _WORD_KINDS for t in candidate.tokens[matches[-1].last :])
        features.add("pos:" + _POSITIONS[before, after])
    count = sum(1 for t in candidate.tokens if t.kind in _WORD_KINDS)
    features.add("len:" + next((name for limit, name in _LENGTH_BUCKETS if count <= limit), "33+"))
    for hit in candidate.hits:
        features.add("rule:" + hit.id)
    if candidate.needs_reply:
        features.add("reply")
    if candidate.only_pleasantries:
        features.add("pleasant")
    text = candidate.text
    if "?" in text:
        features.add("q")
    if "!" in text:
        features.add("!")
    if candidate.truncated:
        features.add("truncated")
    features.add("script:" + candidate.script)
