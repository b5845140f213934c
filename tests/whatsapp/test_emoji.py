"""Emoji validation: exactly one emoji grapheme, or '' to remove a reaction."""

from __future__ import annotations

import pytest

from spasibo.emoji import InvalidEmojiError, is_single_emoji, validate_reaction_emoji

SINGLE = [
    "❤️",  # heart + VS16
    "❤",  # bare heart, as Telegram sends it
    "👍",
    "👍🏽",  # skin tone
    "🙏🏼",
    "🔥",
    "😂",
    "🫶",  # Unicode 14
    "🫨",  # Unicode 15: covered by the reserved pictographic ranges
    "👨‍👩‍👧‍👦",  # ZWJ family
    "🧑🏿‍🤝‍🧑🏻",  # ZWJ with skin tones
    "👩‍❤️‍💋‍👨",  # ZWJ with VS16 inside
    "🏳️‍🌈",  # flag ZWJ sequence
    "❤️‍🔥",
    "🧔‍♂️",
    "🇷🇺",  # regional indicator pair
    "🇺🇦",
    "1️⃣",  # keycap
    "#️⃣",
    "8⃣",  # keycap without VS16
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",  # subdivision flag (tag sequence)
    "©️",
]

NOT_SINGLE = [
    "",
    "a",
    "спасибо",
    "❤️❤️",
    "👍👍🏽",
    "👍 ",
    " 👍",
    "1",
    "#",
    "🇷",  # a lone regional indicator
    "🇷🇺🇷",
    "\u200d",
    "❤️\u200d",
    "\ufe0f",
    "❤️a",
    "🏻",  # a skin tone alone
    ":heart:",
]


@pytest.mark.parametrize("emoji", SINGLE)
def test_real_emoji_are_single(emoji):
    assert is_single_emoji(emoji)


@pytest.mark.parametrize("text", NOT_SINGLE)
def test_text_and_several_emoji_are_not_single(text):
    assert not is_single_emoji(text)


def test_empty_string_is_a_valid_reaction_that_removes():
    assert validate_reaction_emoji("") == ""


def test_validate_returns_the_emoji_unchanged():
    assert validate_reaction_emoji("👍🏽") == "👍🏽"


def test_invalid_reaction_error_names_the_field_and_code_points():
    with pytest.raises(InvalidEmojiError, match=r"emoji: .*U\+2764 U\+FE0F U\+2764 U\+FE0F"):
        validate_reaction_emoji("❤️❤️")


def test_non_string_is_not_an_emoji():
    assert not is_single_emoji(None)  # type: ignore[arg-type]
