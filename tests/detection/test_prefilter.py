"""The prefilter only ever skips texts the full detector would find nothing in, and skips most others."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasibo.detection import GratitudeDetector, prefilter
from spasibo.detection.matcher import PhraseMatcher
from spasibo.detection.prefilter import Prefilter
from spasibo.phrases import builtin_packs

_PIECES = st.sampled_from(
    ["спасибо", "спс", "спаибо", "СПАСИБООО", "от души", "благодарю", "ерфтлы", "cgfcb,j", "🙏", "дякую",
     "рахмет", "ну", "не", "адрес", "можно?", " ", ", ", ". ", "«", "»", "ё", "пасиб", "сенкс", "мерси",
     "от", "души", "низкий", "поклон", "вам", "премного", "благодпрен", "thank", "u", "2", "😊"]
)  # fmt: skip


@cache
def detectors() -> tuple[GratitudeDetector, GratitudeDetector]:
    return GratitudeDetector(), GratitudeDetector(prefilter=False)


@settings(max_examples=300)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_prefilter_never_changes_a_verdict(text):
    with_prefilter, without = detectors()
    assert with_prefilter.detect(text) == without.detect(text)


@cache
def builtin_prefilter() -> Prefilter:
    return Prefilter(PhraseMatcher(builtin_packs()))


def test_a_text_without_any_phrase_word_is_skipped():
    assert not builtin_prefilter().may_match("Опаздываю на 5 минут")


def test_a_word_that_starts_only_longer_phrases_is_skipped_without_the_rest():
    assert not builtin_prefilter().may_match("Отправил от себя, жду ответа")  # "от" of "от души"
    assert builtin_prefilter().may_match("От души!")


def test_a_typo_in_a_later_word_of_a_phrase_is_not_skipped():
    assert builtin_prefilter().may_match("премного благодпрен")


@pytest.mark.parametrize(
    "text",
    [
        "спвсибо",
        "СПАСИБОООО",
        "cпасибо",
        "спаси́бо",
        "ерфтлы",
        "spasibo",
        "cgfcb,j",
        "Cgfcb,j!",
        "hf[vtn",
        "x ,kfujlfh. y",
        "🙏",
        "ok 🫶",
    ],
)
def test_every_reading_the_matcher_knows_is_not_skipped(text):
    assert detectors()[1].detect(text).match  # the matcher finds a phrase
    assert builtin_prefilter().may_match(text)


def test_a_full_memo_starts_over_and_answers_the_same(monkeypatch):
    monkeypatch.setattr(prefilter, "_MEMO_WORDS", 4)
    small = Prefilter(PhraseMatcher(builtin_packs()))
    texts = ["Опаздываю на 5 минут", "Спасибо большое!", "от души", "жду ответа", "спвсибо", "ок, до встречи"]
    for _ in range(3):  # every text holds words the previous ones pushed out
        assert [small.may_match(text) for text in texts] == [builtin_prefilter().may_match(t) for t in texts]
    assert [small.may_match(text) for text in texts] == [False, True, True, False, True, False]
