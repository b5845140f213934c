"""A cheap first look: can any phrase possibly be in this text? If not, the detector skips the rest.

It must never say "no" to a text the matcher would find a phrase in, so it is built from the same index:
for every phrase, the pieces any reading of it must contain (a short word whole; a longer one's first or
last three letters, which one typo leaves intact; the same pieces typed on the other keyboard layout).
Texts with Latin letters (translit, wrong layout with punctuation), stretched letters or stress marks take
the full path, since their pieces may be hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spasibo.detection.normalize import swap_layout
from spasibo.detection.trie import trie_pattern

AFFIX_CHARS = 3  # the matcher's own head/tail filter for typo-tolerant words uses the same length
_ALWAYS_FULL_PATH = r"[a-z]|([^\W\d_])\1\1|[\u0300-\u036f]"


class Prefilter:
    """Says whether a text might contain one of the given phrase words (lower case, normalised)."""

    def __init__(self, anchor_words: Iterable[tuple[str, int]]) -> None:
        anchors: set[str] = set()
        for word, allowed_edits in anchor_words:
            pieces = [word] if allowed_edits == 0 else [word[:AFFIX_CHARS], word[-AFFIX_CHARS:]]
            for piece in pieces:
                anchors.add(piece)
                swapped = swap_layout(piece) if word.isascii() and len(word) >= AFFIX_CHARS else None
                if swapped:
                    anchors.add(swapped)
        literal = trie_pattern([re.escape(char) for char in anchor] for anchor in anchors)
        self._regex = re.compile(f"{_ALWAYS_FULL_PATH}|{literal}" if literal else _ALWAYS_FULL_PATH)

    def may_match(self, text: str) -> bool:
        """False only when no phrase can be in ``text``."""
        return self._regex.search(text.lower().replace("ё", "е")) is not None
