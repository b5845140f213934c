"""A rule's react value must be exactly one emoji grapheme."""

from __future__ import annotations

import pytest

from spasibo.emoji import is_single_emoji, validate_reaction_emoji


@pytest.mark.parametrize(
    "emoji", ["❤️", "❤", "👍", "👍🏽", "🙏", "👩‍💻", "👨‍👩‍👧", "🇰🇿", "1️⃣", "#⃣", "🔥", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©️"]
)
def test_single_emoji_are_accepted(emoji: str) -> None:
    assert is_single_emoji(emoji)


@pytest.mark.parametrize(
    "text", ["", "heart", "❤️❤️", "👍 ", "🏽", "\u200d", "1", "🇰", "🇰🇿🇺🇦", "👩‍", ":heart:"]
)
def test_words_several_emoji_and_bare_modifiers_are_rejected(text: str) -> None:
    assert not is_single_emoji(text)


def test_validator_says_what_is_expected() -> None:
    with pytest.raises(ValueError, match=r'expected exactly one emoji such as "❤️" or "👍", got \'ok\''):
        validate_reaction_emoji("ok")
