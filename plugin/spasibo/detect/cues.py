"""Cue lists compiled for fast lookup: does one of these word sequences occur in a run of words?

A cue is a few words; a word ending in ``*`` matches any word starting with it ("испорч*" matches
"испорченный"), one starting with ``*`` any word ending so ("*ите" matches "пришлите"). All cues of a set
become one regular expression over the words joined by spaces, so a window is searched in a single pass
(words never contain spaces).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from spasibo.detect.normalize import normalize_word

_MIN_STEM_CHARS = 2  # "*ите" matches "пришлите", not "ите" alone


def _cue_pattern(cue: str) -> tuple[int, str] | None:
    parts = []
    for word in cue.split():
        if word.endswith("*") and len(word) > 1:
            parts.append(re.escape(normalize_word(word[:-1])) + "[^ ]*")
        elif word.startswith("*") and len(word) > 1:
            parts.append(f"[^ ]{{{_MIN_STEM_CHARS},}}" + re.escape(normalize_word(word[1:])))
        else:
            parts.append(re.escape(normalize_word(word)))
    return (len(parts), " ".join(parts)) if parts else None


class CueSet:
    """A set of cues (word sequences, prefixes allowed) that can be searched for in a list of words."""

    def __init__(self, cues: Iterable[str]) -> None:
        patterns = sorted({p for p in map(_cue_pattern, cues) if p is not None}, reverse=True)
        # more words first: at one position the longest cue wins ("не надо" before "не")
        either = "|".join(pattern for _, pattern in patterns)
        self._search = re.compile(rf"(?<![^ ])(?:{either})(?![^ ])") if patterns else None
        self._cover = re.compile(rf"(?:{either})(?: (?:{either}))*") if patterns else None

    def __bool__(self) -> bool:
        return self._search is not None

    def find(self, words: Sequence[str]) -> tuple[int, int] | None:
        """The ``[start, end)`` word range of the first cue found in ``words``, or None."""
        return next(self.find_all(words), None)

    def find_all(self, words: Sequence[str]) -> Iterator[tuple[int, int]]:
        """The ``[start, end)`` word range of every cue found in ``words``, left to right, not overlapping."""
        if self._search is None or not words:
            return
        joined = " ".join(words)
        for match in self._search.finditer(joined):
            start = joined.count(" ", 0, match.start())
            yield start, start + match.group().count(" ") + 1

    def covers(self, words: Sequence[str]) -> bool:
        """True when ``words`` is entirely made of cues laid end to end (an empty list is covered)."""
        if not words:
            return True
        return self._cover is not None and self._cover.fullmatch(" ".join(words)) is not None
