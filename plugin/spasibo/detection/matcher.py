"""Finding the phrases of every pack in a token stream, tolerant of typos, wrong layout and translit.

Short words (five letters or fewer: "спс", "ty", "мерси") match only exactly, since one typo turns them into
other words; longer ones allow one edit (two from nine letters on), counting a swap of neighbouring letters
as one edit. Words a pack lists as lookalikes ("благодаря") are never matched fuzzily.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from spasibo.detection.context import covered
from spasibo.detection.normalize import (
    LAYOUT_HINT_RE,
    Kind,
    Token,
    layout_chunks,
    normalize_word,
    swap_layout,
    tokenize,
    transliterate,
)
from spasibo.phrases.pack import PhrasePack

CONTENT_KINDS = (Kind.WORD, Kind.EMOJI)
# how a word was read before it matched; each reading costs a little confidence
READING_PENALTY = {"exact": 0.0, "fuzzy": 8.0, "layout": 10.0, "translit": 10.0}
_FUZZY_PENALTY_PER_EDIT = 8.0
_MIN_FUZZY_LEN = 6  # "спаси" is one letter from "спасиб" and means "save": short words match exactly
_MIN_ALTERNATIVE_LEN = 3  # "ty" on the other layout is "ен": too short to mean anything
# A letter typed twice: two such runs in one word are stretching ("спаасибоо"), not spelling.
_DOUBLED_RE = re.compile(r"([^\W\d_])\1")
_MEMO_WORDS = 50_000  # distinct words remembered per detector before the memo starts over
_AFFIX_LEN = 3  # letters at either end that a one-edit typo leaves intact in one of the two ends


def allowed_edits(word: str) -> int:
    """How many typos a phrase word tolerates: none up to five letters, one up to eight, then two."""
    if len(word) <= 5:
        return 0
    return 1 if len(word) <= 8 else 2


@dataclass(frozen=True)
class Phrase:
    """One phrase of one pack, split into the normalised words it is matched by."""

    text: str
    words: tuple[str, ...]
    intent: str
    language: str
    weak: bool
    source: str
    edits: tuple[int, ...] = field(init=False)  # typos each word tolerates (``allowed_edits``), computed once
    ascii: bool = field(init=False)  # written in Latin letters (a brand name can look like it)

    def __post_init__(self) -> None:
        object.__setattr__(self, "edits", tuple(map(allowed_edits, self.words)))
        object.__setattr__(self, "ascii", self.text.isascii())


@dataclass(slots=True)
class PhraseMatch:
    """A phrase found in a message: token range ``[first, last)``, character span, and how it was read.

    Not frozen: a frozen dataclass sets each field through ``object.__setattr__``, which costs more than
    the rest of matching a short message. Nothing changes a match after it is made.
    """

    phrase: Phrase
    first: int
    last: int
    span: tuple[int, int]
    edits: int
    reading: str
    score: float = field(init=False)  # confidence 0–100 that the phrase is really there

    def __post_init__(self) -> None:
        score = 100.0 - (READING_PENALTY[self.reading] + _FUZZY_PENALTY_PER_EDIT * self.edits)
        # not ``max(0.0, score)``: on Python 3.11 ``max`` parses its keywords the slow way on every call
        self.score = score if score > 0.0 else 0.0


class PhraseMatcher:
    """An index of every phrase of the given packs, built once; ``find`` scans one message's tokens."""

    def __init__(self, packs: Iterable[PhrasePack]) -> None:
        self._by_first: dict[str, list[Phrase]] = {}
        self._lookalikes: set[str] = set()
        for pack in packs:
            self._lookalikes.update(normalize_word(word) for word in pack.lookalikes)
            for text, weak in [*((p, False) for p in pack.phrases), *((p, True) for p in pack.weak_phrases)]:
                words = tuple(
                    t.text for t in tokenize(text) if t.kind in CONTENT_KINDS or t.kind is Kind.CODE
                )
                if not words:
                    continue
                phrase = Phrase(text, words, pack.intent, pack.language, weak, pack.source)
                self._by_first.setdefault(words[0], []).append(phrase)
        for phrases in self._by_first.values():
            phrases.sort(key=lambda phrase: -len(phrase.words))  # longest phrase wins at one position
        # first word -> its one-word phrase that wins (or None), and what the next word must be for a longer
        # phrase to be possible: one of their second words, or of a length a typo-tolerant one allows
        self._single: dict[str, Phrase | None] = {}
        self._seconds: dict[str, tuple[frozenset[str], frozenset[int]]] = {}
        for first, phrases in self._by_first.items():
            longer = [phrase for phrase in phrases if len(phrase.words) > 1]
            self._single[first] = next((phrase for phrase in phrases if len(phrase.words) == 1), None)
            lengths = {
                len(phrase.words[1]) + change
                for phrase in longer
                if phrase.edits[1]  # one that tolerates no typo needs its second word exactly
                for change in range(-phrase.edits[1], phrase.edits[1] + 1)
            }
            self._seconds[first] = (frozenset(phrase.words[1] for phrase in longer), frozenset(lengths))
        fuzzy = [word for word in self._by_first if allowed_edits(word) > 0]
        self._fuzzy_words = fuzzy
        self._heads = {word[:_AFFIX_LEN] for word in fuzzy}
        self._tails = {word[-_AFFIX_LEN:] for word in fuzzy}
        self._max_fuzzy_len = max((len(word) for word in fuzzy), default=0) + 2
        # tuples, not lists: the garbage collector stops tracking tuples of strings and ints
        self._memo: dict[str, tuple[tuple[str, int, str], ...]] = {}

    def _first_word(self, word: str) -> tuple[str, int] | None:
        """The phrase-starting word ``word`` reads as, with the edits it took, or None."""
        if word in self._by_first:
            return word, 0
        if (
            len(word) < _MIN_FUZZY_LEN
            or len(word) > self._max_fuzzy_len
            or word in self._lookalikes
            or (word[:_AFFIX_LEN] not in self._heads and word[-_AFFIX_LEN:] not in self._tails)
        ):
            return None
        found = process.extractOne(word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=2)
        if found is None:
            return None
        target, edits, _ = found
        if edits > allowed_edits(target):
            return None
        return target, int(edits)

    @staticmethod
    def _forms(word: str) -> list[tuple[str, str]]:
        """The word as written, on the other layout, as translit, and with doubled letters undone.

        Only for words of 3+ letters; the last only when the word has two doubled letters ("спаасибоо").
        (Latin lookalike letters in a Cyrillic word are undone by the tokenizer: ``cyrillic_lookalikes``.)
        """
        forms = [(word, "exact")]
        if len(word) >= _MIN_ALTERNATIVE_LEN:
            swapped = swap_layout(word)
            if swapped:
                forms.append((normalize_word(swapped), "layout"))
            cyrillic = transliterate(word)
            if cyrillic:
                forms.append((cyrillic, "translit"))
            squeezed = _DOUBLED_RE.sub(r"\1", word)
            if len(word) - len(squeezed) >= 2:
                forms.append((squeezed, "fuzzy"))
        return forms

    def find(
        self, tokens: Sequence[Token], text: str, windows: Sequence[tuple[int, int]] | None = None
    ) -> list[PhraseMatch]:
        """Every phrase found in ``tokens`` (from ``text``), scanning left to right without overlaps.

        ``windows`` are the ``[start, end)`` parts of ``text`` the tokens come from (all of it by default).
        """
        if LAYOUT_HINT_RE.search(text) is None:
            matches = []
        else:
            matches = self._layout_chunks(tokens, text, windows or [(0, len(text))])
        if matches:
            taken = covered(matches)
            content = [i for i, token in enumerate(tokens) if token.kind in CONTENT_KINDS and i not in taken]
        else:
            content = [i for i, token in enumerate(tokens) if token.kind in CONTENT_KINDS]
        memo = self._memo
        position = 0
        while position < len(content):
            word = tokens[content[position]].text
            readings = memo.get(word)
            if readings is None:
                readings = self.readings_of(word)
            found = self._match_at(tokens, content, position, readings) if readings else None
            if found is None:
                position += 1
                continue
            matches.append(found)
            position = content.index(found.last - 1) + 1
        if len(matches) > 1:
            matches.sort(key=lambda match: match.first)
        return matches

    def readings_of(self, word: str) -> tuple[tuple[str, int, str], ...]:
        """Every phrase-starting word ``word`` can be read as: (target, edits, reading), best first.

        Remembered per word (bounded), since chat vocabulary repeats and most words read as nothing.
        """
        known = self._memo.get(word)
        if known is not None:
            return known
        readings: list[tuple[str, int, str]] = []
        for form, reading in self._forms(word):
            first = self._first_word(form)
            if first is not None:
                target, edits = first
                readings.append((target, edits, "fuzzy" if reading == "exact" and edits else reading))
        if len(self._memo) >= _MEMO_WORDS:
            self._memo.clear()
        known = self._memo[word] = tuple(readings)
        return known

    def _match_at(
        self,
        tokens: Sequence[Token],
        content: list[int],
        position: int,
        readings: tuple[tuple[str, int, str], ...],
    ) -> PhraseMatch | None:
        token = tokens[content[position]]
        after = tokens[content[position + 1]].text if position + 1 < len(content) else None
        for target, edits, reading in readings:
            seconds, lengths = self._seconds[target]
            if after is None or (after not in seconds and len(after) not in lengths):
                # no longer phrase can go on with this next word (the loop below would skip them all)
                single = self._single[target]
                if single is not None:
                    span = (token.start, token.end)
                    return PhraseMatch(single, content[position], content[position] + 1, span, edits, reading)
                continue
            for phrase in self._by_first[target]:
                total: int | None = 0
                if len(phrase.words) > 1:
                    # the next word rules most longer phrases out: same test as _rest_matches, no call
                    second, limit = phrase.words[1], phrase.edits[1]
                    if after is None or (
                        after != second and (limit == 0 or abs(len(after) - len(second)) > limit)
                    ):
                        continue
                    total = self._rest_matches(tokens, content, position, phrase)
                if total is None:
                    continue
                last = content[position + len(phrase.words) - 1]
                span = (token.start, tokens[last].end)
                return PhraseMatch(phrase, content[position], last + 1, span, edits + total, reading)
        return None

    def _rest_matches(
        self, tokens: Sequence[Token], content: list[int], position: int, phrase: Phrase
    ) -> int | None:
        if position + len(phrase.words) > len(content):
            return None
        edits = 0
        for offset in range(1, len(phrase.words)):  # a zip(strict=True) would parse a keyword each call
            word = tokens[content[position + offset]].text
            found = self.later_word_edits(word, phrase.words[offset], phrase.edits[offset])
            if found is None:
                return None
            edits += found
        return edits

    def later_word_edits(self, word: str, target: str, limit: int) -> int | None:
        """The typos it takes to read ``word`` as ``target``, a phrase's word after its first one that
        tolerates ``limit`` of them, or None when it does not read so."""
        if word == target:
            return 0
        # OSA distance is at least the length difference: most words fail here without a call
        if limit == 0 or abs(len(word) - len(target)) > limit or word in self._lookalikes:
            return None
        found = OSA.distance(word, target, score_cutoff=limit)
        return None if found > limit else found

    def phrases_from(self, target: str) -> list[Phrase]:
        """The phrases whose first word is ``target`` (a word ``readings_of`` names), longest first."""
        return self._by_first[target]

    def later_words(self) -> dict[str, int]:
        """Every word that follows the first one in some phrase, with the typos it tolerates."""
        return {
            word: limit
            for phrases in self._by_first.values()
            for phrase in phrases
            for word, limit in zip(phrase.words[1:], phrase.edits[1:], strict=True)
        }

    def first_words(self) -> list[str]:
        """Every word a phrase starts with."""
        return list(self._by_first)

    def _layout_chunks(
        self, tokens: Sequence[Token], text: str, windows: Sequence[tuple[int, int]]
    ) -> list[PhraseMatch]:
        """Phrases typed on the wrong layout with punctuation inside the word ("cgfcb,j" → "спасибо")."""
        found: list[PhraseMatch] = []
        for chunk in layout_chunks(text, windows):
            start, end = chunk.span()
            word = normalize_word(swap_layout(chunk.group().lower()) or "")
            first = self._first_word(word)
            if first is None:
                continue
            target, edits = first
            single = [phrase for phrase in self._by_first[target] if len(phrase.words) == 1]
            inside = [i for i, token in enumerate(tokens) if start <= token.start and token.end <= end]
            if single and inside:
                found.append(PhraseMatch(single[0], inside[0], inside[-1] + 1, (start, end), edits, "layout"))
        return found
