"""Is this string exactly one emoji? The check every reaction goes through before it is sent.

A WhatsApp or Telegram reaction is one emoji *grapheme*: possibly many code points (``❤️`` is two, a family is
seven), never two emoji and never text. The grammar follows Unicode TS #51 ("emoji sequences"): a pictographic
character with an optional presentation selector and skin tone, ZWJ sequences of those, keycaps, flags made of
two regional indicators, and subdivision flags made of tag characters. The pictographic code points are data
(``data/extended_pictographic.txt``), read once on first use.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from spasibo.errors import SpasiboError

REMOVE_REACTION = ""  # an empty reaction removes the one previously sent
_MAX_EMOJI_CODE_POINTS = 32  # the longest RGI sequences are ~10; anything far longer is not one emoji

_VS16 = "\ufe0f"
_ZWJ = "\u200d"
_KEYCAP = "\u20e3"
_SKIN_TONES = "\U0001f3fb-\U0001f3ff"
_REGIONAL_INDICATORS = "\U0001f1e6-\U0001f1ff"
_TAG_SPECS = "\U000e0020-\U000e007e"
_TAG_END = "\U000e007f"


class InvalidEmojiError(SpasiboError, ValueError):
    """A reaction is not exactly one emoji (or ``""`` to remove a reaction); the message shows what was
    given.
    """


def _pictographic_class() -> str:
    ranges = []
    text = resources.files("spasibo").joinpath("data/extended_pictographic.txt").read_text("utf-8")
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        first, sep, last = line.partition("..")
        try:
            low, high = int(first, 16), int(last if sep else first, 16)
        except ValueError:
            raise ValueError(
                f"data/extended_pictographic.txt line {line_no}: expected 'XXXX..YYYY', got {line!r}"
            ) from None
        ranges.append(f"{re.escape(chr(low))}-{re.escape(chr(high))}")
    return "".join(ranges)


@cache
def _single_emoji_pattern() -> re.Pattern[str]:
    element = f"[{_pictographic_class()}](?:{_VS16}|[{_SKIN_TONES}])?(?:[{_SKIN_TONES}])?"
    zwj_sequence = f"{element}(?:{_ZWJ}{element})*"
    tag_sequence = f"[{_pictographic_class()}][{_TAG_SPECS}]+{_TAG_END}"
    keycap = f"[0-9#*]{_VS16}?{_KEYCAP}"
    flag = f"[{_REGIONAL_INDICATORS}]{{2}}"
    return re.compile(f"(?:{tag_sequence}|{zwj_sequence}|{keycap}|{flag})")


def is_single_emoji(text: str) -> bool:
    """True when ``text`` is exactly one emoji grapheme: ``"❤️"``, ``"❤"``, ``"👍🏽"``, ``"👨‍👩‍👧"``,
    ``"🇷🇺"``, ``"1️⃣"``.

    False for the empty string, text, whitespace around the emoji, or two emoji (``"❤️❤️"``).
    """
    if not isinstance(text, str) or not text or len(text) > _MAX_EMOJI_CODE_POINTS:
        return False
    return _single_emoji_pattern().fullmatch(text) is not None


def validate_reaction_emoji(text: str) -> str:
    """Return ``text`` if it can be sent as a reaction (one emoji, or ``""`` to remove); else raise.

    Raises ``InvalidEmojiError`` naming the field and showing the code points, since emoji look alike.
    """
    if text == REMOVE_REACTION or is_single_emoji(text):
        return text
    shown = (
        " ".join(f"U+{ord(ch):04X}" for ch in text[:_MAX_EMOJI_CODE_POINTS]) if isinstance(text, str) else ""
    )
    raise InvalidEmojiError(
        f"emoji: expected exactly one emoji (or '' to remove the reaction), got {text!r} ({shown})"
    )
