"""Cue lists compiled for fast lookup: does one of these word sequences occur in a run of words?

A cue is a few words; a word ending in ``*`` matches any word starting with it ("испорч*" matches
"испорченный"). Cues are indexed by their first word so a window is scanned once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from spasibo.detect.normalize import normalize_word

CueWord = tuple[str, bool]  # (text, is_prefix)


def _compile_word(word: str) -> CueWord:
    if word.endswith("*") and len(word) > 1:
        return normalize_word(word[:-1]), True
    return normalize_word(word), False


class CueSet:
    """A set of cues (word sequences, prefixes allowed) that can be searched for in a list of words."""

    def __init__(self, cues: Iterable[str]) -> None:
        self._exact: dict[str, list[tuple[CueWord, ...]]] = {}
        self._prefixed: dict[str, list[tuple[CueWord, ...]]] = {}
        for cue in cues:
            words = tuple(_compile_word(word) for word in cue.split())
            if not words:
                continue
            head, is_prefix = words[0]
            (self._prefixed if is_prefix else self._exact).setdefault(head, []).append(words)
        self._prefixes = tuple(self._prefixed)

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefixed)

    def find(self, words: Sequence[str]) -> tuple[int, int] | None:
        """The ``[start, end)`` word range of the first cue found in ``words``, or None."""
        return next(self.find_all(words), None)

    def find_all(self, words: Sequence[str]) -> Iterator[tuple[int, int]]:
        """The ``[start, end)`` word range of every cue found in ``words``, longest first at each start."""
        for start in range(len(words)):
            length = self.longest_at(words, start)
            if length:
                yield start, start + length

    def longest_at(self, words: Sequence[str], start: int) -> int:
        """The length in words of the longest cue starting at ``words[start]`` (0 when none does)."""
        word = words[start]
        best = 0
        for cue in self._exact.get(word, ()):
            if len(cue) > best and _rest_fits(cue, words, start):
                best = len(cue)
        if self._prefixes and word.startswith(self._prefixes):
            for prefix in self._prefixes:
                if word.startswith(prefix):
                    for cue in self._prefixed[prefix]:
                        if len(cue) > best and _rest_fits(cue, words, start):
                            best = len(cue)
        return best

    def covers(self, words: Sequence[str]) -> bool:
        """True when ``words`` is entirely made of cues laid end to end (an empty list is covered)."""
        start = 0
        while start < len(words):
            length = self.longest_at(words, start)
            if not length:
                return False
            start += length
        return True


def _rest_fits(cue: tuple[CueWord, ...], words: Sequence[str], start: int) -> bool:
    if start + len(cue) > len(words):
        return False
    for (text, is_prefix), word in zip(cue[1:], words[start + 1 :], strict=False):
        if not (word.startswith(text) if is_prefix else word == text):
            return False
    return True
