"""Is this text exactly one emoji? The check a rule's ``react = "..."`` passes before reaching a platform.

Chat platforms accept one emoji *grapheme* as a reaction: a single pictograph, optionally with a skin-tone
modifier or the emoji presentation selector (U+FE0F), a ZWJ sequence such as 👩‍💻, a keycap such as 1️⃣, a flag
(two regional indicators) or a tag sequence (🏴 subdivision flags). This is a small structural check over code
point ranges, not a full Unicode emoji database: it rejects words, several emoji and bare modifiers, which is
what a typo in a config file looks like.
"""

from __future__ import annotations

# Code point ranges that hold pictographs (Unicode Extended_Pictographic, condensed).
_PICTOGRAPH_RANGES: tuple[tuple[int, int], ...] = (
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x21AA),
    (0x231A, 0x23FF),
    (0x24C2, 0x24C2),
    (0x25AA, 0x25FE),
    (0x2600, 0x27BF),
    (0x2934, 0x2935),
    (0x2B05, 0x2B55),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x1F000, 0x1F1E5),
    (0x1F201, 0x1F3FA),
    (0x1F400, 0x1FAFF),
)
_VARIATION_SELECTOR = 0xFE0F
_ZERO_WIDTH_JOINER = 0x200D
_KEYCAP = 0x20E3
_SKIN_TONES = range(0x1F3FB, 0x1F3FF + 1)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F1FF + 1)
_TAGS = range(0xE0020, 0xE007F)
_CANCEL_TAG = 0xE007F
_KEYCAP_BASES = frozenset("0123456789#*")


def _is_pictograph(code: int) -> bool:
    return any(low <= code <= high for low, high in _PICTOGRAPH_RANGES)


def _is_element(codes: list[int]) -> bool:
    """One pictograph with its optional presentation selector, skin tone or tag run (between ZWJs)."""
    if not codes or not _is_pictograph(codes[0]):
        return False
    rest = codes[1:]
    if rest and (rest[0] == _VARIATION_SELECTOR or rest[0] in _SKIN_TONES):
        rest = rest[1:]
    if rest and rest[-1] == _CANCEL_TAG:
        return all(code in _TAGS for code in rest[:-1]) and len(rest) > 1
    return not rest


def is_single_emoji(text: str) -> bool:
    """True when ``text`` is exactly one emoji grapheme (``"❤️"``, ``"👍🏽"``, ``"👩‍💻"``, ``"🇰🇿"``, ``"1️⃣"``).

    Words, several emoji, bare modifiers and the empty string are not.
    """
    codes = [ord(char) for char in text]
    if len(codes) == 2 and all(code in _REGIONAL_INDICATORS for code in codes):
        return True
    if codes and chr(codes[0]) in _KEYCAP_BASES:
        return codes[1:] in ([_VARIATION_SELECTOR, _KEYCAP], [_KEYCAP])
    elements: list[list[int]] = [[]]
    for code in codes:
        if code == _ZERO_WIDTH_JOINER:
            elements.append([])
        else:
            elements[-1].append(code)
    return all(_is_element(element) for element in elements)


def validate_reaction_emoji(text: str) -> str:
    """Return ``text`` when it is one emoji grapheme; otherwise raise ``ValueError`` saying what is expected.

    Used by pydantic validators, so the message becomes part of a ``ConfigError`` naming the key.
    """
    if not is_single_emoji(text):
        raise ValueError(f'expected exactly one emoji such as "❤️" or "👍", got {text!r}')
    return text
