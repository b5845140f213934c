"""Matching: typos within the allowed edits, short words only exactly, lookalikes never."""

from __future__ import annotations

import pytest

from spasibo.detection import GratitudeDetector
from spasibo.detection.matcher import PhraseMatcher, allowed_edits
from spasibo.detection.normalize import tokenize
from spasibo.phrases import PhrasePack


def found(text: str, *phrases: str, lookalikes: tuple[str, ...] = ()) -> list[str]:
    pack = PhrasePack(intent="gratitude", language="ru", phrases=phrases, lookalikes=lookalikes)
    matcher = PhraseMatcher([pack])
    return [match.phrase.text for match in matcher.find(tokenize(text), text)]


@pytest.mark.parametrize(
    ("word", "edits"), [("спс", 0), ("мерси", 0), ("спасиб", 1), ("спасибо", 1), ("благодарю", 2)]
)
def test_allowed_edits_grow_with_word_length(word, edits):
    assert allowed_edits(word) == edits


@pytest.mark.parametrize("typo", ["спаибо", "спосибо", "спвсибо", "спаисбо", "спасиба"])
def test_one_typo_in_a_long_word_still_matches(typo):
    assert found(typo, "спасибо") == ["спасибо"]


def test_short_words_match_only_exactly():
    assert found("спз", "спс") == []


def test_short_word_inside_a_longer_word_does_not_match():
    assert found("Liberty Walk", "ty") == []


def test_a_lookalike_word_is_never_matched_fuzzily():
    assert found("благодаря пробкам", "благодарю", lookalikes=("благодаря",)) == []


def test_longest_phrase_wins_at_one_position():
    assert found("спасибо большое", "спасибо", "спасибо большое") == ["спасибо большое"]


def test_phrase_words_must_be_consecutive():
    assert found("от всей души", "от души") == []


def test_wrong_layout_with_punctuation_inside_matches():
    assert found("cgfcb,j", "спасибо") == ["спасибо"]


def test_russian_typed_on_the_english_layout_matches_english_phrase():
    assert found("ерфтлы", "thanks") == ["thanks"]


def test_translit_matches_the_russian_phrase():
    assert found("spasibo bolshoe", "спасибо") == ["спасибо"]


def test_typo_reading_scores_lower_than_exact():
    detector = GratitudeDetector()
    assert detector.detect("спосибо").score < detector.detect("спасибо").score
