"""Telegram's reaction list and spelling: what a rule's emoji becomes, and which emoji are refused."""

from __future__ import annotations

import inspect
import re

import pytest
from aiogram.types import ReactionTypeEmoji

from spasibo.errors import ConfigError
from spasibo.settings import RuleSettings, SpasiboSettings
from spasibo.telegram.emoji import (
    allowed_reactions,
    normalize_reaction,
    telegram_reaction,
    validate_telegram_rules,
)


def test_reaction_list_matches_the_list_aiogram_documents() -> None:
    source = inspect.getsource(ReactionTypeEmoji)
    documented = re.search(r"it can be one of (.*?)\.\s*\"\"\"", source, re.DOTALL)
    assert documented is not None, "aiogram no longer documents the list: check reactions.txt by hand"
    assert list(allowed_reactions()) == re.findall(r'"([^"]+)"', documented.group(1))


@pytest.mark.parametrize(
    ("given", "sent"),
    [("❤️", "❤"), ("❤", "❤"), ("❤️‍🔥", "❤‍🔥"), ("🤷‍♂️", "🤷‍♂"), ("👍", "👍"), ("✍️", "✍"), ("☃️", "☃")],
)
def test_emoji_is_sent_in_telegrams_spelling(given: str, sent: str) -> None:
    assert telegram_reaction(given) == sent


def test_normalizing_only_drops_the_presentation_selector() -> None:
    assert normalize_reaction("❤️") == "\u2764"


@pytest.mark.parametrize("emoji", ["🥳", "👍🏽", "🇷🇺", "спасибо"])
def test_emoji_telegram_does_not_offer_is_refused_naming_the_key(emoji: str) -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.react: Telegram does not allow"):
        telegram_reaction(emoji, key="rules[0].react")


def test_rules_check_names_the_rule_whose_emoji_telegram_refuses() -> None:
    settings = SpasiboSettings(
        rules=[RuleSettings(react="❤️"), RuleSettings(intent="confirmation", react="🥳")]
    )
    with pytest.raises(ConfigError, match=r"rules\[1\]\.react"):
        validate_telegram_rules(settings)


def test_rules_for_another_transport_are_not_held_to_telegrams_list() -> None:
    validate_telegram_rules(SpasiboSettings(rules=[RuleSettings(react="🥳", transport="console")]))


def test_rules_naming_telegram_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.react"):
        validate_telegram_rules(SpasiboSettings(rules=[RuleSettings(react="🥳", transport="telegram")]))
