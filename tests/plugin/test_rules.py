"""The declarative rules, one condition at a time (spasibo.rules.choose_reaction)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from spasibo.models import SkipReason
from spasibo.rules import ReactionDecision, choose_reaction
from spasibo.settings import RuleSettings
from spasibo.testing.app import FAKE_CLOCK_START

from .conftest import CONFIRMATION, NOTHING, SARCASM, THANKS, THANKS_AND_QUESTION, WEAK_THANKS, make_message

NOW = FAKE_CLOCK_START
HEART = RuleSettings()
THUMB = RuleSettings(intent="confirmation", react="👍")


def choose(verdict, *rules, transports=("console",), **message_fields) -> ReactionDecision:
    return choose_reaction(make_message(**message_fields), verdict, list(rules), NOW, transports)


def test_gratitude_gets_the_rule_emoji() -> None:
    decision = choose(THANKS, HEART)
    assert decision.request is not None
    assert decision.request.emoji == "❤️"
    assert decision.rule == HEART


def test_no_intent_is_not_detected() -> None:
    assert choose(NOTHING, HEART).skipped is SkipReason.NOT_DETECTED


def test_vetoed_gratitude_is_not_detected_and_keeps_the_reason() -> None:
    decision = choose(SARCASM, HEART)
    assert decision.skipped is SkipReason.NOT_DETECTED
    assert decision.detail == "sarcasm"


def test_intent_without_a_rule_is_no_rule() -> None:
    assert choose(CONFIRMATION, HEART).skipped is SkipReason.NO_RULE


def test_each_intent_uses_its_own_rule() -> None:
    decision = choose(CONFIRMATION, HEART, THUMB)
    assert decision.request is not None
    assert decision.request.emoji == "👍"


def test_own_messages_are_skipped_by_default() -> None:
    assert choose(THANKS, HEART, from_me=True).skipped is SkipReason.OWN_MESSAGE


def test_own_messages_react_when_the_rule_allows() -> None:
    assert choose(THANKS, RuleSettings(skip_own_messages=False), from_me=True).request is not None


def test_groups_react_by_default() -> None:
    assert choose(THANKS, HEART, is_group=True).request is not None


def test_groups_are_skipped_when_the_rule_says_so() -> None:
    assert choose(THANKS, RuleSettings(skip_groups=True), is_group=True).skipped is SkipReason.GROUP


def test_message_older_than_max_age_is_too_old() -> None:
    sent_at = NOW - timedelta(seconds=301)
    decision = choose(THANKS, RuleSettings(max_age_s=300), sent_at=sent_at)
    assert decision.skipped is SkipReason.TOO_OLD
    assert decision.detail == "sent 301 s ago, max_age_s is 300"


def test_message_exactly_max_age_old_still_reacts() -> None:
    assert (
        choose(THANKS, RuleSettings(max_age_s=300), sent_at=NOW - timedelta(seconds=300)).request is not None
    )


def test_score_below_min_score_is_low_score() -> None:
    decision = choose(WEAK_THANKS, RuleSettings(min_score=80))
    assert decision.skipped is SkipReason.LOW_SCORE
    assert decision.detail == "score 55 < min_score 80"


def test_later_rule_for_the_same_intent_catches_what_the_first_skips() -> None:
    strict, lenient = RuleSettings(min_score=80, react="❤️"), RuleSettings(min_score=50, react="🙏")
    decision = choose(WEAK_THANKS, strict, lenient)
    assert decision.request is not None
    assert decision.request.emoji == "🙏"


def test_when_no_rule_passes_the_first_rules_failure_is_the_reason() -> None:
    decision = choose(WEAK_THANKS, RuleSettings(min_score=80), RuleSettings(skip_groups=True), is_group=True)
    assert decision.skipped is SkipReason.LOW_SCORE


@pytest.mark.parametrize(
    ("verdict", "reply", "reply_needed"),
    [(THANKS, False, False), (THANKS, True, True), (THANKS_AND_QUESTION, False, True)],
    ids=["closing-thanks-reply-false", "closing-thanks-reply-true", "thanks-with-question-reply-false"],
)
def test_reply_is_not_needed_only_for_a_closing_thanks_under_reply_false(
    verdict, reply, reply_needed
) -> None:
    assert choose(verdict, RuleSettings(reply=reply)).reply_needed is reply_needed


def test_skipped_closing_thanks_still_needs_no_reply() -> None:
    decision = choose(THANKS, RuleSettings(reply=False, skip_groups=True), is_group=True)
    assert decision.skipped is SkipReason.GROUP
    assert decision.reply_needed is False


def test_transport_defaults_to_the_messages_platform_when_registered() -> None:
    decision = choose(THANKS, HEART, transports=("console", "whatsapp"), platform="whatsapp")
    assert decision.request is not None
    assert decision.request.transport == "whatsapp"


def test_message_from_a_platform_no_transport_reaches_is_skipped_not_sent_to_the_console() -> None:
    decision = choose(THANKS, HEART, transports=("console",), platform="whatsapp")
    assert decision.request is None
    assert decision.skipped is SkipReason.NO_TRANSPORT
    assert (
        decision.detail == "no transport reaches platform 'whatsapp' and the rule sets no fallback_transport"
    )


def test_console_fallback_is_an_explicit_choice_of_the_rule() -> None:
    rule = RuleSettings(fallback_transport="console")
    decision = choose(THANKS, rule, transports=("console",), platform="whatsapp")
    assert decision.request is not None
    assert decision.request.transport == "console"


def test_transport_named_by_the_rule_wins() -> None:
    decision = choose(THANKS, RuleSettings(transport="http"), transports=("console",), platform="whatsapp")
    assert decision.request is not None
    assert decision.request.transport == "http"


def test_a_decision_has_a_request_or_a_reason_not_both() -> None:
    with pytest.raises(ValueError, match="either a request or a skipped reason"):
        ReactionDecision()
