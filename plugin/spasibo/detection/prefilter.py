"""A cheap first look: can any phrase possibly be in this text? If not, the detector skips the rest.

It must never say "no" to a text the matcher would find a phrase in, so it is built from the same index:
for every phrase, the pieces any reading of it must contain (a short word whole; a longer one's first or
last three letters, which one typo leaves intact and which the matcher itself requires; the same pieces
typed on the other keyboard layout). The matcher compares whole words, so a piece is looked for where the
word would stand: a whole word between non-letters; a first-letters piece at the start of a word, a
last-letters piece at its end, in a word at least as long as the matcher reads with typos ("при" and "под"
as words, "ого" ending "много", are not "признателен" or "премного"); a letter may be doubled anywhere (the
matcher undoes doubled letters). Texts with Latin letters (translit, wrong
layout with punctuation), stretched letters or stress marks take the full path, since their pieces may be
hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spasibo.detection.matcher import MIN_FUZZY_CHARS
from spasibo.detection.normalize import swap_layout
from spasibo.detection.trie import trie_pattern

AFFIX_CHARS = 3  # the matcher's own head/tail filter for typo-tolerant words uses the same length
_ALWAYS_FULL_PATH = r"[a-z]|([^\W\d_])\1\1|[\u0300-\u036f]"
_NOT_AFTER_LETTER, _NOT_BEFORE_LETTER = r"(?<![^\W\d_])", r"(?![^\W\d_])"
_WORD_START = r"(?<![\w'’])"  # what the tokenizer reads as one word: word characters and inner apostrophes
_REST_OF_WORD = rf"[\w'’]{{{MIN_FUZZY_CHARS - AFFIX_CHARS},}}"  # a typo-tolerant word is this long at least


class Prefilter:
    """Says whether a text might contain one of the given phrase words (lower case, normalised)."""

    def __init__(self, anchor_words: Iterable[tuple[str, int]]) -> None:
        # (piece, whether it starts a word, whether it ends one)
        anchors: set[tuple[str, bool, bool]] = set()
        for word, allowed_edits in anchor_words:
            if allowed_edits == 0:
                pieces = [(word, True, True)]
            else:
                pieces = [(word[:AFFIX_CHARS], True, False), (word[-AFFIX_CHARS:], False, True)]
            for piece, starts, ends in pieces:
                anchors.add((piece, starts, ends))
                swapped = swap_layout(piece) if word.isascii() and len(word) >= AFFIX_CHARS else None
                if swapped:
                    anchors.add((swapped, starts, ends))
        # four tries, by which word boundaries their pieces must stand at (only a letter has a boundary)
        groups: dict[tuple[bool, bool], list[list[str]]] = {}
        for piece, starts, ends in anchors:
            key = (starts and piece[0].isalpha(), ends and piece[-1].isalpha())
            groups.setdefault(key, []).append([_doubled(char) for char in piece])
        branches = [
            _branch(trie_pattern(pieces), starts=starts, ends=ends)
            for (starts, ends), pieces in sorted(groups.items())
        ]
        self._regex = re.compile("|".join([_ALWAYS_FULL_PATH, *branches]))

    def may_match(self, text: str) -> bool:
        """False only when no phrase can be in ``text``."""
        return self._regex.search(text.lower().replace("ё", "е")) is not None


def _branch(pieces: str, *, starts: bool, ends: bool) -> str:
    """The pattern for pieces standing at a word's start and/or end: a whole word, the first letters of a
    typo-tolerant word (so followed by the rest of it), its last letters (so preceded by the rest)."""
    if starts and ends:
        return f"{_NOT_AFTER_LETTER}(?:{pieces}){_NOT_BEFORE_LETTER}"
    if starts:
        return f"{_NOT_AFTER_LETTER}(?:{pieces}){_REST_OF_WORD}"
    if ends:
        return f"{_WORD_START}{_REST_OF_WORD}(?:{pieces}){_NOT_BEFORE_LETTER}"
    return f"(?:{pieces})"


def _doubled(char: str) -> str:
    """A piece of the pattern for one character: a letter also when doubled ("сппасиббо")."""
    return re.escape(char) + "+" if char.isalpha() else re.escape(char)
