"""Cue lists compiled for fast lookup: does one of these word sequences occur in a run of words?

A cue is a few words; a word ending in ``*`` matches any word starting with it ("испорч*" matches
"испорченный"), one starting with ``*`` any word ending so ("*ите" matches "пришлите"). All cues of a set
become one regular expression over the words joined by spaces, so a window is searched in a single pass
(words never contain spaces): an ordered one that says where the longest cue is, and a trie-shaped one for
the faster "is there any?". Each expression is compiled when a question first needs it: compiling them all
took about a fifth of the first verdict, and some are never asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import compress

from spasibo.detection.normalize import normalize_word
from spasibo.detection.trie import trie_pattern

_MIN_STEM_CHARS = 2  # "*ите" matches "пришлите", not "ите" alone
_MEMO_WORDS = 50_000  # distinct words an ``Openers`` memo remembers before it starts over


def _cue_pieces(cue: str) -> list[str]:
    """The cue as regex pieces, one per character or wildcard, words joined by a space piece."""
    pieces: list[str] = []
    for word in cue.split():
        if pieces:
            pieces.append(" ")
        if word.endswith("*") and len(word) > 1:
            pieces.extend(map(re.escape, normalize_word(word[:-1])))
            pieces.append("[^ ]*")
        elif word.startswith("*") and len(word) > 1:
            pieces.append(f"[^ ]{{{_MIN_STEM_CHARS},}}")
            pieces.extend(map(re.escape, normalize_word(word[1:])))
        else:
            pieces.extend(map(re.escape, normalize_word(word)))
    return pieces


def _cue_pattern(pieces: list[str]) -> tuple[int, str] | None:
    return (pieces.count(" ") + 1, "".join(pieces)) if pieces else None


def _first_word(pieces: list[str]) -> list[str]:
    """The pieces of a cue's first word."""
    return pieces[: pieces.index(" ")] if " " in pieces else pieces


class Openers(dict[str, bool]):
    """Which words can open one of some cues, each word asked once and remembered (bounded): a cue found
    in a run of words starts at a word that its first word's pattern matches whole, so when no word of the
    run can open a cue the search over the run can be skipped."""

    __slots__ = ("_pattern",)

    def __init__(self, cues: Iterable[list[str]]) -> None:
        super().__init__()
        self._pattern = re.compile(trie_pattern(_first_word(pieces) for pieces in cues))

    def any_in(self, words: Iterable[str]) -> bool:
        """True when some cue's first word matches one of ``words``."""
        # a loop: for a message's few words less time than ``any(map(...))`` in C, and unlike ``any`` over a
        # generator nothing is left unfinished (closing one raises GeneratorExit inside it)
        for word in words:  # noqa: SIM110
            if self[word]:
                return True
        return False

    def __missing__(self, word: str) -> bool:
        opens = self._pattern.fullmatch(word) is not None
        if len(self) >= _MEMO_WORDS:
            self.clear()
        self[word] = opens
        return opens


class CueSet:
    """A set of cues (word sequences, prefixes allowed) that can be searched for in a list of words."""

    def __init__(self, cues: Iterable[str]) -> None:
        split = [_cue_pieces(cue) for cue in cues]
        patterns = sorted({p for p in map(_cue_pattern, split) if p is not None}, reverse=True)
        # more words first: at one position the longest cue wins ("не надо" before "не")
        either = "|".join(pattern for _, pattern in patterns)
        # Words are searched as " w1 w2 ...": a pattern opening with a literal space lets ``re`` jump from
        # word start to word start, where a look-behind would be tried at every character.
        self._either = either  # the cues as one alternation
        self._search_re: re.Pattern[str] | None = None
        self._cover_re: re.Pattern[str] | None = None
        # the same cues as a trie, for questions where only "is there one?" counts
        self.pieces = [pieces for pieces in split if pieces]  # each cue as regex pieces
        anywhere = trie_pattern(self.pieces)
        self.anywhere = anywhere  # the trie as a pattern string ("" when there are no cues)
        self._exists_re: re.Pattern[str] | None = None
        self._openers: Openers | None = None

    @property
    def _search(self) -> re.Pattern[str] | None:
        if self._search_re is None and self._either:
            self._search_re = re.compile(rf" (?:{self._either})(?![^ ])")
        return self._search_re

    @property
    def _cover(self) -> re.Pattern[str] | None:
        if self._cover_re is None and self._either:
            self._cover_re = re.compile(rf"(?:{self._either})(?: (?:{self._either}))*")
        return self._cover_re

    @property
    def _exists(self) -> re.Pattern[str] | None:
        if self._exists_re is None and self.anywhere:
            self._exists_re = re.compile(rf" (?:{self.anywhere})(?![^ ])")
        return self._exists_re

    def may_occur_in(self, words: Sequence[str]) -> bool:
        """False when no cue can occur in ``words``, since none can start at any of them (a word is asked
        once, then remembered); True says only that a search must tell."""
        if not self.anywhere:
            return False
        if self._openers is None:
            self._openers = Openers(self.pieces)
        return self._openers.any_in(words)

    def __bool__(self) -> bool:
        return bool(self._either)

    def occurs_in(self, words: Sequence[str]) -> bool:
        """True when some cue occurs in ``words`` (faster than ``find``, which also says where)."""
        return self._exists is not None and self._exists.search(spaced(words)) is not None

    def occurs_in_spaced(self, joined: str) -> bool:
        """``occurs_in`` for words already joined by ``spaced``, when one run of words is asked many times."""
        return self._exists is not None and self._exists.search(joined) is not None

    def find(self, words: Sequence[str]) -> tuple[int, int] | None:
        """The ``[start, end)`` word range of the first cue found in ``words``, or None."""
        if self._search is None or not words:
            return None
        joined = spaced(words)
        match = self._search.search(joined)
        if match is None:
            return None
        start = joined.count(" ", 0, match.start())  # the spaces before the match's own leading space
        return start, start + match.group().count(" ")

    def find_all(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """The ``[start, end)`` word range of every cue found in ``words``, left to right, not overlapping.

        A list, not a generator: a caller stops at the first cue that counts, and a generator left
        unfinished is closed by raising ``GeneratorExit`` in it (an exception, a traceback and a frame).
        """
        if self._search is None or not words:
            return []
        joined = spaced(words)
        found = []
        for match in self._search.finditer(joined):
            start = joined.count(" ", 0, match.start())
            found.append((start, start + match.group().count(" ")))
        return found

    def covers(self, words: Sequence[str]) -> bool:
        """True when ``words`` is entirely made of cues laid end to end (an empty list is covered)."""
        if not words:
            return True
        return self._cover is not None and self._cover.fullmatch(" ".join(words)) is not None


class CueSets:
    """Several cue sets asked together which of them occur in a run of words: one search instead of one
    per set. At every word start where some cue of any set begins, each set's cues are tried in a
    look-ahead that captures when it matches, so the answer is exactly what each set's ``occurs_in`` says.
    """

    def __init__(self, sets: Sequence[CueSet]) -> None:
        self._indices = [index for index, cues in enumerate(sets) if cues.anywhere]
        patterns = [sets[index].anywhere for index in self._indices]
        either = trie_pattern(pieces for cues in sets for pieces in cues.pieces)
        each = "".join(f"(?:(?=((?:{pattern})(?![^ ]))))?" for pattern in patterns)
        self._search = re.compile(rf" (?=(?:{either})(?![^ ])){each}") if patterns else None
        self._openers = Openers(pieces for index in self._indices for pieces in sets[index].pieces)

    def may_occur_in(self, words: Sequence[str]) -> bool:
        """False when no cue of any set can start at any of ``words`` (see ``CueSet.may_occur_in``)."""
        return self._search is not None and self._openers.any_in(words)

    def which(self, joined: str) -> set[int]:
        """The indices of the sets some cue of which occurs in words joined by ``spaced``."""
        found: set[int] = set()
        if self._search is not None:
            for match in self._search.finditer(joined):
                found.update(compress(self._indices, match.groups()))
        return found


def spaced(words: Sequence[str]) -> str:
    """The words joined by spaces with one more space in front, so every word starts right after a space."""
    return " " + " ".join(words) if words else ""
