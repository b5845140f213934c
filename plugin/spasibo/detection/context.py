"""Looking around a matched phrase: the words before and after it within a scope, the sentence it ends,
and the quotation marks around it. Shared by the veto and closing checks."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import Protocol

from spasibo.detection.cues import CueSets, spaced
from spasibo.detection.normalize import EMOJI, END, PUNCT, WORD, Kind, Token
from spasibo.phrases.pack import VetoScope

_OPENING = {"«": "»", "“": "”", "„": "“", '"': '"', "‘": "’", "‚": "‘"}
_OPENING_RE = re.compile("|".join(map(re.escape, _OPENING)))
_PHRASE_STOPS = frozenset((Kind.END, Kind.PUNCT, Kind.EMOJI))
WORD_KINDS = (Kind.WORD, Kind.EMOJI, Kind.NUMBER, Kind.CODE)
# members as module names: an enum class's attribute costs a Python-level lookup (EnumType.__getattr__)
_PHRASE_SCOPE, _CLAUSE_SCOPE, _MESSAGE_SCOPE = VetoScope.PHRASE, VetoScope.CLAUSE, VetoScope.MESSAGE
IS_WORD = {kind: int(kind not in (PUNCT, END)) for kind in Kind}  # 1 for the kinds that are words


class TokenRange(Protocol):
    """What a matched phrase is to its context: the token range ``[first, last)`` it covers."""

    @property
    def first(self) -> int: ...

    @property
    def last(self) -> int: ...


def covered(matches: Sequence[TokenRange]) -> set[int]:
    """The token positions the matches cover."""
    return {index for match in matches for index in range(match.first, match.last)}


class MessageContext:
    """One message's tokens plus what every check asks of them, computed once.

    ``words`` are the texts of its word tokens (words, emoji, numbers, codes: everything but marks), and
    ``word_positions`` the token index of each; ``has_emoji`` says whether any token is an emoji.
    """

    __slots__ = (
        "_counts",
        "_kinds",
        "_mentioned",
        "_spaced",
        "_stops",
        "breakers",
        "has_emoji",
        "quotes",
        "reach_words",
        "text",
        "tokens",
        "word_positions",
        "words",
    )

    def __init__(
        self, text: str, tokens: Sequence[Token], breakers: frozenset[str], reach_words: int = 50
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.breakers = breakers
        self.reach_words = reach_words  # the widest window any check asks for; no window holds more words
        # most messages hold no quotation mark at all: one search answers that
        self.quotes = _quoted_ranges(tokens) if _OPENING_RE.search(text) else []
        # comprehensions: for a message's few tokens they take less time than ``map`` and ``compress`` in C
        self._kinds = kinds = [token[3] for token in tokens]
        self.word_positions = [at for at, kind in enumerate(kinds) if IS_WORD[kind]]
        self.words = [tokens[at][0] for at in self.word_positions]
        self.has_emoji = EMOJI in kinds
        self._spaced: str | None = None  # the words as ``cues.spaced`` joins them
        # for each token how many words come before it (one more entry at the end), when first asked
        self._counts: list[int] | None = None
        # scope -> sorted indices of the tokens a window of that scope stops at (computed when first asked)
        self._stops: dict[VetoScope, list[int]] = {}
        # a group of cue sets (hashed by identity) -> which of them occur anywhere in the message
        self._mentioned: dict[CueSets, set[int]] = {}

    def words_outside(self, matches: Sequence[TokenRange]) -> tuple[list[int], list[str]]:
        """The token positions and texts of the words outside every match, in order."""
        positions, words = self.word_positions, self.words
        if len(matches) == 1:  # the usual case: what comes before the phrase and what comes after it
            low, high = bisect_left(positions, matches[0].first), bisect_left(positions, matches[0].last)
            return positions[:low] + positions[high:], words[:low] + words[high:]
        inside = covered(matches)
        kept = [at for at, position in enumerate(positions) if position not in inside]
        return [positions[at] for at in kept], [words[at] for at in kept]

    def mentioned(self, sets: CueSets) -> set[int]:
        """Which of the cue sets in ``sets`` occur somewhere among the message's words (asked once per
        group). Every window a check looks at is a run of these same words, so a rule whose cues the
        message lacks cannot fire in any window."""
        known = self._mentioned.get(sets)
        if known is None:
            # no word can open a cue (most messages): no search
            known = sets.which(self.spaced()) if sets.may_occur_in(self.words) else set()
            self._mentioned[sets] = known
        return known

    def spaced(self) -> str:
        """The words as ``cues.spaced`` joins them (joined once)."""
        if self._spaced is None:
            self._spaced = spaced(self.words)
        return self._spaced

    def _words_before_each(self) -> list[int]:
        """For each token, how many words come before it; one more entry for the end of the message."""
        if self._counts is None:
            self._counts = [0, *accumulate(map(IS_WORD.__getitem__, self._kinds))]
        return self._counts

    def words_before(self, first: int, window: int, scope: VetoScope) -> list[str]:
        """Up to ``window`` words right before token ``first``, in order, stopping at the scope's boundary."""
        # comparisons rather than ``min`` and ``max``, which parse keywords the slow way on Python 3.11
        window = window if window < self.reach_words else self.reach_words
        if window <= 0 or first <= 0:
            return []
        stops = self._stops_of(scope)
        at = bisect_left(stops, first) - 1  # the last stop before ``first``
        words, before = self.words, self._words_before_each()
        low = before[stops[at] + 1] if at >= 0 else 0
        high = before[first]
        return words[high - window if high - window > low else low : high]

    def words_after(self, last: int, window: int, scope: VetoScope) -> list[str]:
        """Up to ``window`` words from token ``last`` on, stopping at the scope's boundary."""
        window = window if window < self.reach_words else self.reach_words  # (see ``words_before``)
        if window <= 0 or last >= len(self.tokens):
            return []
        stops = self._stops_of(scope)
        at = bisect_left(stops, last)  # the first stop at or after ``last``
        words, before = self.words, self._words_before_each()
        low = before[last]
        high = before[stops[at]] if at < len(stops) else len(words)
        return words[low : low + window if low + window < high else high]

    def _stops_of(self, scope: VetoScope) -> list[int]:
        """Indices of the tokens a window of ``scope`` stops at: sentence ends, and for a phrase any mark or
        emoji, for a clause a clause breaker ("но", "только"); none for the whole message."""
        stops = self._stops.get(scope)
        if stops is None:
            tokens = self.tokens
            if scope is _PHRASE_SCOPE:
                # an emoji ends a phrase as a comma would: "ноги не чувствую 😅 Спасибо"
                stops = [i for i, t in enumerate(tokens) if t.kind in _PHRASE_STOPS]
            elif scope is _MESSAGE_SCOPE:
                stops = []
            elif scope is _CLAUSE_SCOPE:
                breakers = self.breakers
                stops = [
                    i
                    for i, t in enumerate(tokens)
                    if t.kind is END or (t.kind is not PUNCT and t.text in breakers)
                ]
            else:
                stops = [i for i, t in enumerate(tokens) if t.kind is END]
            self._stops[scope] = stops
        return stops

    def ends_with_question(self, last: int) -> bool:
        """True when the sentence containing token ``last - 1`` ends with a question mark."""
        for token in self.tokens[last:]:
            if token.kind is END:
                return token.text == "?"
        return False

    def asked_back(self, last: int) -> bool:
        """True when the phrase is itself the question ("Спасибо? За что спасибо?"): "?" right after it."""
        return last < len(self.tokens) and self.tokens[last].kind is END and self.tokens[last].text == "?"

    def quote_words(self, span: tuple[int, int]) -> int:
        """How many words the quotation holding the character span has (0 when it is not quoted)."""
        for start, end in self.quotes:
            if start <= span[0] and span[1] <= end:
                inside = (t for t in self.tokens if start <= t.start and t.end <= end)
                return sum(1 for t in inside if t.kind in WORD_KINDS)
        return 0

    def scare_quoted_after(self, last: int, window: int) -> bool:
        """True when one lower-case word in quotes follows within ``window`` words in the same sentence
        ("спасибо за «вежливого» администратора"): quotes that mock what they hold."""
        if not self.quotes:
            return False
        seen = 0
        for index in range(last, len(self.tokens)):
            token = self.tokens[index]
            if token.kind is END or seen > window:
                return False
            if token.kind in WORD_KINDS:
                seen += 1
                inside = [
                    (start, end) for start, end in self.quotes if start <= token.start and token.end <= end
                ]
                if inside and token.kind is WORD:
                    start, end = inside[0]
                    words = [
                        t for t in self.tokens if t.kind in WORD_KINDS and start <= t.start and t.end <= end
                    ]
                    if 0 < len(words) <= 2 and all(self.text[t.start : t.end].islower() for t in words):
                        return True
        return False


def _quoted_ranges(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Character ranges between matching quotation marks; an unclosed quote marks nothing (it is as often
    an inch sign or a stray key as a quotation)."""
    ranges: list[tuple[int, int]] = []
    opened: tuple[str, int] | None = None
    for token in tokens:
        if token.kind is not PUNCT:
            continue
        if opened is None:
            if token.text in _OPENING:
                opened = (_OPENING[token.text], token.end)
        elif token.text == opened[0] or (opened[0] == "“" and token.text == "”"):
            ranges.append((opened[1], token.start))
            opened = None
    return ranges
