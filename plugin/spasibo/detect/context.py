"""Looking around a matched phrase: the words before and after it within a scope, the sentence it ends,
and the quotation marks around it. Shared by the veto and closing checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spasibo.detect.normalize import Kind, Token
from spasibo.phrases.pack import VetoScope

_OPENING = {"«": "»", "“": "”", "„": "“", '"': '"', "‘": "’", "‚": "‘"}
WORD_KINDS = (Kind.WORD, Kind.EMOJI, Kind.NUMBER, Kind.CODE)


@dataclass
class MessageContext:
    """One message's tokens plus what every check asks of them, computed once.

    Words (words, emoji, numbers, codes) are numbered; for each scope every word knows where its segment
    (phrase, clause or sentence) starts and ends, so a veto window is a slice, not a walk.
    """

    text: str
    tokens: Sequence[Token]
    breakers: frozenset[str]
    quotes: list[tuple[int, int]] = field(init=False)
    words: list[str] = field(init=False)
    _words_before_token: list[int] = field(init=False)
    _segment_start: dict[VetoScope, list[int]] = field(init=False)
    _segment_end: dict[VetoScope, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.quotes = _quoted_ranges(self.tokens)
        self.words = []
        self._words_before_token = []
        segment_ids: dict[VetoScope, list[int]] = {scope: [] for scope in VetoScope}
        phrase = clause = sentence = 0
        for token in self.tokens:
            self._words_before_token.append(len(self.words))
            kind = token.kind
            if kind is Kind.END:
                phrase, clause, sentence = phrase + 1, clause + 1, sentence + 1
            elif kind is Kind.PUNCT:
                phrase += 1
            elif kind in WORD_KINDS:
                breaker = token.text in self.breakers
                clause += breaker  # a breaker ("но") is a segment of its own: no window reaches past it
                self.words.append(token.text)
                segment_ids[VetoScope.PHRASE].append(phrase)
                segment_ids[VetoScope.CLAUSE].append(clause)
                segment_ids[VetoScope.SENTENCE].append(sentence)
                clause += breaker
        self._words_before_token.append(len(self.words))
        self._segment_start = {scope: _starts(ids) for scope, ids in segment_ids.items()}
        self._segment_end = {scope: _ends(ids) for scope, ids in segment_ids.items()}

    def words_before(self, first: int, window: int, scope: VetoScope) -> list[str]:
        """Up to ``window`` words right before token ``first``, in order, within the scope's segment."""
        position = self._words_before_token[first]
        if position == 0 or position >= len(self.words):
            return []
        start = max(self._segment_start[scope][position], position - window)
        return self.words[start:position]

    def words_after(self, last: int, window: int, scope: VetoScope) -> list[str]:
        """Up to ``window`` words from token ``last`` on, within the segment of the word before ``last``."""
        position = self._words_before_token[last]
        if position == 0:
            return []
        end = min(self._segment_end[scope][position - 1], position + window)
        return self.words[position:end]

    def ends_with_question(self, last: int) -> bool:
        """True when the sentence containing token ``last - 1`` ends with a question mark."""
        for token in self.tokens[last:]:
            if token.kind is Kind.END:
                return token.text == "?"
        return False

    def asked_back(self, last: int) -> bool:
        """True when the phrase is itself the question ("Спасибо? За что спасибо?"): "?" right after it."""
        return (
            last < len(self.tokens) and self.tokens[last].kind is Kind.END and self.tokens[last].text == "?"
        )

    def quoted(self, span: tuple[int, int]) -> bool:
        """True when the character span sits inside quotation marks."""
        return any(start <= span[0] and span[1] <= end for start, end in self.quotes)

    def scare_quoted_after(self, last: int, window: int) -> bool:
        """True when one lower-case word in quotes follows within ``window`` words in the same sentence
        ("спасибо за «вежливого» администратора"): quotes that mock what they hold."""
        seen = 0
        for index in range(last, len(self.tokens)):
            token = self.tokens[index]
            if token.kind is Kind.END or seen > window:
                return False
            if token.kind in WORD_KINDS:
                seen += 1
                inside = [
                    (start, end) for start, end in self.quotes if start <= token.start and token.end <= end
                ]
                if inside and token.kind is Kind.WORD:
                    words = [t for t in self.tokens if inside[0][0] <= t.start and t.end <= inside[0][1]]
                    if 0 < len(words) <= 2 and all(self.text[t.start : t.end].islower() for t in words):
                        return True
        return False


def _quoted_ranges(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Character ranges between matching quotation marks; an unclosed quote runs to the end."""
    ranges: list[tuple[int, int]] = []
    opened: tuple[str, int] | None = None
    for token in tokens:
        if token.kind is not Kind.PUNCT:
            continue
        if opened is None:
            if token.text in _OPENING:
                opened = (_OPENING[token.text], token.end)
        elif token.text == opened[0] or (opened[0] == "“" and token.text == "”"):
            ranges.append((opened[1], token.start))
            opened = None
    return ranges


def _starts(ids: list[int]) -> list[int]:
    """For each word, the index of the first word with the same segment id."""
    starts: list[int] = []
    for index, segment in enumerate(ids):
        starts.append(starts[-1] if index and ids[index - 1] == segment else index)
    return starts


def _ends(ids: list[int]) -> list[int]:
    """For each word, one past the index of the last word with the same segment id."""
    ends = [0] * len(ids)
    for index in range(len(ids) - 1, -1, -1):
        ends[index] = ends[index + 1] if index + 1 < len(ids) and ids[index + 1] == ids[index] else index + 1
    return ends
