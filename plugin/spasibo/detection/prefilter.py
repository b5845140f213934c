"""A cheap first look: can any phrase possibly be in this text? If not, the detector skips the rest.

It must never say "no" to a text the matcher would find a phrase in, so it asks the matcher itself, one
word at a time: which phrases the word could start (in any reading: typo, other layout, translit) and which
later phrase words it could stand for. A text may hold a phrase only when one of its words starts one whose
later words are all among its words too, or when it holds what the matcher reads beyond single words (an
emoji phrase, Latin letters after a layout key: "cgfcb,j"). One regular expression splits the lower-cased
text into exactly the words the tokenizer would make, plus those emoji and layout keys; it runs once per
distinct run of text between spaces ("спасибо!", "пожалуйста,"), and what each run and each piece can be is
learnt once and remembered, so for most texts the answer is one ``split`` and a few set operations in C,
and a text without thanks-like words never reaches the tokenizer.
"""

from __future__ import annotations

import re
from collections import defaultdict

from spasibo.detection.matcher import PhraseMatcher
from spasibo.detection.normalize import LAYOUT_HINT_RE, LAYOUT_KEY_BEFORE_LETTER, WORD_RE, runs, word_form

_MEMO_WORDS = 100_000  # distinct words remembered before the memo starts over


class _Vocabulary:
    """What the pieces seen so far can be: all of them; those that alone send a text down the full path (a
    one-word phrase in some reading, an emoji phrase word, a layout key the matcher's chunk search would
    read, a word with one inside); the later words of the longer phrases each other word starts; and the
    later phrase words each word can stand for. The same is kept for the runs of text between spaces
    (``chunks``), each standing for the pieces it holds, since a text splits into those far more cheaply than
    into words. Replaced whole when full, so a reader holding the old one stays consistent."""

    __slots__ = (
        "alone",
        "chunk_alone",
        "chunk_later",
        "chunk_starters",
        "chunks",
        "known",
        "stands_for",
        "starters",
    )

    def __init__(self) -> None:
        self.known: set[str] = set()
        self.alone: set[str] = set()
        self.starters: dict[str, list[tuple[str, ...]]] = {}
        self.stands_for: dict[str, list[str]] = {}  # a piece -> the later phrase words it can stand for
        self.chunks: set[str] = set()
        self.chunk_alone: set[str] = set()
        self.chunk_starters: dict[str, list[tuple[str, ...]]] = {}
        self.chunk_later: defaultdict[str, set[str]] = defaultdict(set)


class Prefilter:
    """Says whether a text might contain one of the matcher's phrases."""

    def __init__(self, matcher: PhraseMatcher) -> None:
        self._matcher = matcher
        self._later_words = matcher.later_words()
        # a later word that tolerates typos is compared with the words of a length it can be typed in
        self._later_by_length: defaultdict[int, list[tuple[str, int]]] = defaultdict(list)
        for word, limit in self._later_words.items():
            for length in range(len(word) - limit, len(word) + limit + 1) if limit else ():
                self._later_by_length[length].append((word, limit))
        # phrase words that are not words (emoji) are tokens of their own: pieces of their own
        phrase_words = [*matcher.first_words(), *self._later_words]
        symbols = sorted({word for word in phrase_words if not WORD_RE.fullmatch(word)})
        self._symbols_later = frozenset(symbols).intersection(self._later_words)
        pieces = [WORD_RE.pattern, LAYOUT_KEY_BEFORE_LETTER, *map(re.escape, symbols)]
        self._pieces = re.compile("|".join(pieces))  # a key or emoji is never part of a word
        self._vocabulary = _Vocabulary()

    def may_match(self, text: str) -> bool:
        """False only when no phrase can be in ``text``."""
        return self.runs_to_read(text) is not None

    def runs_to_read(self, text: str) -> list[str] | None:
        """The lower-cased runs between spaces the tokenizer reads (its ``lowered_runs``), or None when no
        phrase can be in ``text``."""
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter that grows when lowered: the tokenizer lowers otherwise
            return runs(text)
        # No piece holds a space (words, emoji and keys never do, and a key's look-ahead at a space fails
        # as at the end of a text), so a text's pieces are those of its runs between spaces put together.
        chunks = lowered.split(" ")
        vocabulary = self._vocabulary
        if not vocabulary.chunks.issuperset(chunks):
            vocabulary = self._learn_chunks(chunks)
        if not vocabulary.chunk_alone.isdisjoint(chunks):
            return chunks
        starters = vocabulary.chunk_starters.keys() & chunks
        return chunks if starters and self._phrase_may_follow(starters, chunks, vocabulary) else None

    def _phrase_may_follow(self, starters: set[str], chunks: list[str], vocabulary: _Vocabulary) -> bool:
        """True when one of the phrases these chunks start has all its later words in ``chunks``."""
        later, symbols = vocabulary.chunk_later, self._symbols_later
        # loops rather than ``all`` over a generator: one left unfinished is closed by raising GeneratorExit
        for starter in starters:
            for rest in vocabulary.chunk_starters[starter]:
                for word in rest:
                    if word not in symbols and later[word].isdisjoint(chunks):
                        break  # a later word of this phrase is in no chunk
                else:
                    return True
        return False

    def _learn_chunks(self, chunks: list[str]) -> _Vocabulary:
        """Remember what each new chunk of ``chunks`` can be; the vocabulary that now knows them all."""
        vocabulary = self._vocabulary
        new = set(chunks) - vocabulary.chunks
        if len(vocabulary.known) + len(vocabulary.chunks) + len(new) > _MEMO_WORDS:
            vocabulary = self._vocabulary = _Vocabulary()
            new = set(chunks)
        for chunk in new:
            words = self._pieces.findall(chunk)
            if not vocabulary.known.issuperset(words):
                self._learn(words, vocabulary)
            vocabulary.chunks.add(chunk)
            if not vocabulary.alone.isdisjoint(words):
                vocabulary.chunk_alone.add(chunk)
                continue
            rests = {rest for word in words for rest in vocabulary.starters.get(word, ())}
            if rests:
                vocabulary.chunk_starters[chunk] = sorted(rests)
            for word in words:
                for target in vocabulary.stands_for.get(word, ()):
                    vocabulary.chunk_later[target].add(chunk)
        return vocabulary

    def _learn(self, words: list[str], vocabulary: _Vocabulary) -> None:
        """Remember what each new word of ``words`` can be."""
        new = set(words) - vocabulary.known
        matcher = self._matcher
        for word in new:
            vocabulary.known.add(word)
            if not WORD_RE.fullmatch(word) or LAYOUT_HINT_RE.search(word):
                vocabulary.alone.add(word)  # an emoji or a layout key, or a word with one: "don't"
                continue
            form = word_form(word)
            targets = {target for target, _, _ in matcher.readings_of(form)}
            rests = {phrase.words[1:] for target in targets for phrase in matcher.phrases_from(target)}
            if () in rests:
                vocabulary.alone.add(word)
            elif rests:
                vocabulary.starters[word] = sorted(rests)
            stands_for = []
            if form in self._later_words:
                stands_for.append(form)
            for target, limit in self._later_by_length.get(len(form), ()):
                if target != form and matcher.later_word_edits(form, target, limit) is not None:
                    stands_for.append(target)
            if stands_for:
                vocabulary.stands_for[word] = stands_for
