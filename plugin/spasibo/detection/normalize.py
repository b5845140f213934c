"""From raw chat text to word tokens the matcher can compare: lower case, ё→е, stretched letters collapsed,
emoji as tokens of their own, codes (SPS-4412, THANKYOU10) marked so they never match.

Every token keeps its ``[start, end)`` offsets in the original text, so a verdict can point at what it saw.
Alternative readings of a word (typed on the wrong keyboard layout, or in translit) are computed here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from sys import intern
from typing import NamedTuple


class Kind(StrEnum):
    """What a token is; only words and emoji carry meaning, the rest mark boundaries."""

    WORD = "word"
    EMOJI = "emoji"
    NUMBER = "number"
    CODE = "code"  # letters glued to digits: an order number or promo code, never a phrase
    PUNCT = "punct"  # a mark inside a sentence: , ; : ( ) quotes dashes
    END = "end"  # a mark that ends a sentence: . ! ? … or a line break


class Token(NamedTuple):
    """One token: its normalised text, where it sits in the original text, and its kind."""

    text: str
    start: int
    end: int
    kind: Kind


# Emoji blocks; skin tones, variation selectors and joiners are skipped so 🙏🏽 reads as 🙏.
_EMOJI = (
    "\U0001f000-\U0001f3fa\U0001f400-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff"
    "\u3030\u303d\u3297\u3299\u00a9\u00ae"
)
_END_CHARS = ".!?…\n"
_PUNCT_CHARS = r",;:()«»\"“”„‚‘'\-—–/*+=<>\[\]{}"  # regex-escaped for a character class
# One match per token: the characters skipped before it (no token can start there), then the token in one
# of four groups. ``findall`` hands back plain strings, no match objects, and the skipped run gives the
# offsets. The token is optional so that trailing skipped characters end the search in one last match.
_WORD_PATTERN = r"[^\W_][\w\u0300-\u036f]*(?:['’][^\W_][\w\u0300-\u036f]*)*"
_TOKEN_RE = re.compile(
    rf"((?:[^\w{_EMOJI}{_END_CHARS}{_PUNCT_CHARS}]|_)*+)"
    rf"(?:({_WORD_PATTERN})"
    rf"|([{_EMOJI}])"
    rf"|([{_END_CHARS}]+)"
    rf"|([{_PUNCT_CHARS}]))?"
)
# The word tokens alone: on the lower-cased text, ``findall`` gives exactly the strings ``tokenize`` reads its
# word, number and code tokens from (no other token can hold a character a word starts with).
WORD_RE = re.compile(_WORD_PATTERN)
_STRETCH_RE = re.compile(r"([^\W\d_])\1{2,}")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_CODE_GLUE = "-_/#№"

# Same-length replacements applied to the whole text: ё→е, and control/invisible characters → space.
_SAME_LENGTH = str.maketrans(
    {"ё": "е", "Ё": "Е", **{chr(c): " " for c in (*range(0, 9), *range(11, 32), 127)}}
    | {c: " " for c in "\u200b\u200c\u200e\u200f\u2028\u2029\u2060\ufeff\u00a0"}
)

_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_CYRILLIC = str.maketrans(_QWERTY, _JCUKEN)
# Latin letters drawn like Cyrillic ones in lower case, or in upper case before the word was lowered
_TO_CYRILLIC_LOOKALIKE = str.maketrans("aceopxykmth", "асеорхукмтн")
_LATIN_LETTER_RE = re.compile("[a-z]")
_TO_LATIN = str.maketrans(_JCUKEN, _QWERTY)
# A run of Latin letters with layout punctuation inside it ("cgfcb,j" is "спасибо" typed on QWERTY), or
# starting with it (",kfujlfh." is "благодарю": б and ю sit on the comma and full stop keys).
LAYOUT_CHUNK_RE = re.compile(
    r"(?<![\w])[a-zA-Z]+(?:[\[\];',.`]+[a-zA-Z]+)+(?![\w])"
    r"|(?<![\w\[\];',.`])[\[\];',.`]+[a-zA-Z]+(?:[\[\];',.`]+[a-zA-Z]+)*[\[\];',.`]*(?![\w])"
)
# What every such chunk holds: a cheap test that lets most texts skip the search for chunks.
_LAYOUT_KEY = r"[\[\];',.`]"  # the keys that type Cyrillic letters on the other layout
LAYOUT_HINT_RE = re.compile(rf"{_LAYOUT_KEY}[a-zA-Z]")  # a layout key right before a Latin letter
LAYOUT_KEY_BEFORE_LETTER = rf"{_LAYOUT_KEY}(?=[a-zA-Z])"  # the same, matching the key alone
_LAYOUT_CHUNK_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ[];',.`")

# Latin → Cyrillic transliteration, longest sequences first ("shch" before "sh" before "s").
_TRANSLIT = sorted(
    {
        "shch": "щ", "sch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "yu": "ю", "ju": "ю",
        "ya": "я", "ja": "я", "yo": "е", "jo": "е", "ye": "е", "a": "а", "b": "б", "v": "в", "w": "в",
        "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "y": "ы", "j": "й", "k": "к", "l": "л",
        "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
        "f": "ф", "h": "х", "c": "ц", "x": "кс", "q": "к",
    }.items(),
    key=lambda pair: -len(pair[0]),
)  # fmt: skip
_TRANSLIT_RE = re.compile("|".join(re.escape(latin) for latin, _ in _TRANSLIT))
_TRANSLIT_MAP = dict(_TRANSLIT)


WORD, EMOJI, NUMBER, CODE, PUNCT, END = Kind.WORD, Kind.EMOJI, Kind.NUMBER, Kind.CODE, Kind.PUNCT, Kind.END
_INVISIBLE_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u200c\u200e\u200f\u2028\u2029\u2060\ufeff\u00a0]")
_DIGIT_RE = re.compile(r"\d")
_WORD_FORMS: dict[str, str] = {}  # lower-case word -> its normal form; chat vocabulary repeats
_WORD_FORMS_MAX = 100_000


def word_form(word: str) -> str:
    """The text ``tokenize`` gives the token of a lower-case word (see ``normalize_word``); remembered,
    since chat vocabulary repeats."""
    form = _WORD_FORMS.get(word)
    if form is None:
        # interned: every memo keyed by words and the judge's model (which interns its names too) then
        # find a word by identity, without comparing its characters with a copy elsewhere in memory
        form = intern(collapse_stretch(_COMBINING_RE.sub("", cyrillic_lookalikes(word.replace("ё", "е")))))
        if len(_WORD_FORMS) >= _WORD_FORMS_MAX:
            _WORD_FORMS.clear()
        _WORD_FORMS[word] = form
    return form


def collapse_stretch(word: str) -> str:
    """Collapse a letter repeated three or more times to one: "спасибооо" → "спасибо"."""
    return _STRETCH_RE.sub(r"\1", word)


def normalize_word(word: str) -> str:
    """The form a word is compared in: lower case, ё→е, no stress marks, stretched letters collapsed, and
    Latin lookalike letters inside a Cyrillic word read as the Cyrillic ones."""
    word = _COMBINING_RE.sub("", cyrillic_lookalikes(word.lower().translate(_SAME_LENGTH)))
    return collapse_stretch(word)


def cyrillic_lookalikes(word: str) -> str:
    """A lower-case Cyrillic word with Latin letters that look the same ("cпс" with a Latin c, typed on a
    keyboard that switched mid-word or by autocorrect) in Cyrillic; any other word as it is."""
    if word.isascii() or not _LATIN_LETTER_RE.search(word):
        return word
    swapped = word.translate(_TO_CYRILLIC_LOOKALIKE)
    return swapped if _LATIN_LETTER_RE.search(swapped) is None else word


def swap_layout(word: str) -> str | None:
    """The word as meant when typed on the other keyboard layout (ЙЦУКЕН ↔ QWERTY), or None if mixed."""
    if word.isascii():
        swapped = word.translate(_TO_CYRILLIC)
        return swapped if swapped != word else None
    swapped = word.translate(_TO_LATIN)
    if not swapped.isascii() or any("a" <= char <= "z" for char in word):
        return None  # another script, or Latin and Cyrillic mixed in one word
    return swapped


def layout_chunks(text: str, windows: Sequence[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """Every ``LAYOUT_CHUNK_RE`` match of ``text`` that overlaps one of the ``[start, end)`` windows.

    The same matches a search of the whole text would give there: each window is widened to the run of
    chunk characters it cuts into, plus the character on either side the look-arounds read.
    """
    ranges: list[tuple[int, int]] = []
    for start, end in windows:
        while start > 0 and text[start - 1] in _LAYOUT_CHUNK_CHARS:
            start -= 1
        while end < len(text) and text[end] in _LAYOUT_CHUNK_CHARS:
            end += 1
        start, end = max(0, start - 1), min(len(text), end + 1)
        if ranges and start <= ranges[-1][1]:  # overlapping windows are searched once
            previous_start, previous_end = ranges.pop()
            start, end = previous_start, max(end, previous_end)
        ranges.append((start, end))
    for start, end in ranges:
        yield from LAYOUT_CHUNK_RE.finditer(text, start, end)


def transliterate(word: str) -> str | None:
    """A Latin word read as Russian translit ("spasibo" → "спасибо"), or None for a non-Latin word."""
    if not word.isascii() or not word.isalpha():
        return None
    return _TRANSLIT_RE.sub(lambda match: _TRANSLIT_MAP[match.group()], word)


def runs(text: str) -> list[str]:
    """``text`` as ``tokenize`` reads it, split at spaces: lower case, invisible characters as spaces, each
    character still one (a letter that grows when lowered, "İ", keeps its first), so offsets stay exact.

    No token holds a space, and the token pattern reads a space as skipped whatever surrounds it, so each
    run between spaces splits on its own exactly as inside the text.
    """
    # every invisible character is unprintable: most texts are answered by the faster ``isprintable``
    clean = text.translate(_SAME_LENGTH) if not text.isprintable() and _INVISIBLE_RE.search(text) else text
    lowered = clean.lower()
    if len(lowered) != len(clean):  # a few letters ("İ") grow when lowered; keep offsets exact
        lowered = "".join(char.lower()[:1] for char in clean)
    return lowered.split(" ")


def tokenize(text: str, offset: int = 0, lowered_runs: list[str] | None = None) -> list[Token]:
    """Split ``text`` into normalised tokens whose offsets are shifted by ``offset``.

    ``lowered_runs`` is ``runs(text)`` or ``text.lower().split(" ")`` when the caller has one already (the
    two are the same for a text without invisible characters whose letters keep their length when lowered).
    Words glued to digits (``SPS-4412``, ``SPSB20``, ``R19``) become ``CODE`` tokens so a promo code or an
    order number never reads as "спс".
    """
    if lowered_runs is None or (not text.isprintable() and _INVISIBLE_RE.search(text)):
        lowered_runs = runs(text)
    chunks = _CHUNK_TOKENS
    if len(chunks) >= _CHUNK_TOKENS_MAX:
        chunks.clear()
    tokens: list[Token] = []
    append = tokens.append
    new_token = tuple.__new__  # Token(...) goes through a Python-level __new__; this is the same tuple
    start = offset
    # each run between spaces splits on its own (see ``runs``); how it splits is remembered (an empty run,
    # between two spaces, has no tokens)
    for chunk in lowered_runs:
        pieces = chunks.get(chunk)
        if pieces is None:
            pieces = _chunk_tokens(chunk)
        for word, first, last, kind in pieces:
            append(new_token(Token, (word, start + first, start + last, kind)))
        start += len(chunk) + 1
    return tokens


_Pieces = tuple[tuple[str, int, int, Kind], ...]
# a lower-case run of text between spaces -> its tokens (offsets within it), codes marked; chat text repeats
# its words and the marks glued to them ("спасибо!", "пожалуйста,")
_CHUNK_TOKENS: dict[str, _Pieces] = {}
_CHUNK_TOKENS_MAX = 50_000


def _chunk_tokens(chunk: str) -> _Pieces:
    """The tokens of one lower-case run of text without spaces, as offsets within it; remembered."""
    pieces: list[tuple[str, int, int, Kind]] = []
    append = pieces.append
    forms = _WORD_FORMS
    has_code = False
    end = 0
    for skipped, word, emoji, mark, punct in _TOKEN_RE.findall(chunk):
        start = end + len(skipped)
        if word:
            end = start + len(word)
            if word.isalpha():
                append((forms.get(word) or word_form(word), start, end, WORD))
            elif word.isdigit():
                append((word, start, end, NUMBER))
                has_code = True
            elif _DIGIT_RE.search(word):
                append((word, start, end, CODE))
                has_code = True
            else:  # apostrophes or stress marks inside a word
                append((word_form(word), start, end, WORD))
        elif emoji:
            end = start + 1
            append((intern(emoji), start, end, EMOJI))
        elif mark:
            end = start + len(mark)
            append(("?" if "?" in mark else mark[0], start, end, END))
        elif punct:
            end = start + 1
            append((intern(punct), start, end, PUNCT))
    if has_code:  # a code is glued to its neighbours, so never spans two runs: each run is marked on its own
        glued = [Token(*piece) for piece in pieces]
        _mark_codes(glued)
        known: _Pieces = tuple(glued)
    else:
        known = tuple(pieces)
    _CHUNK_TOKENS[chunk] = known
    return known


def _mark_codes(tokens: list[Token]) -> None:
    """Turn a word glued (directly or by one of - _ / #) to a number or code into a code itself."""
    for index, token in enumerate(tokens):
        if token.kind not in (NUMBER, CODE):
            continue
        for step in (-1, 1):
            inner, outer = token, index + step
            if 0 <= outer < len(tokens) and tokens[outer].kind is PUNCT and tokens[outer].text in _CODE_GLUE:
                if not _touching(tokens[outer], inner, step):
                    continue
                inner, outer = tokens[outer], outer + step
            if (
                0 <= outer < len(tokens)
                and tokens[outer].kind is WORD
                and _touching(tokens[outer], inner, step)
            ):
                tokens[outer] = tokens[outer]._replace(kind=CODE)


def _touching(other: Token, token: Token, step: int) -> bool:
    return other.end == token.start if step < 0 else token.end == other.start
