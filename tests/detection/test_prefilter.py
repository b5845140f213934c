"""The prefilter only ever skips texts the full detector would find nothing in."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from spasibo.detection import GratitudeDetector
from spasibo.detection.matcher import PhraseMatcher
from spasibo.detection.prefilter import Prefilter
from spasibo.phrases import builtin_packs

_PIECES = st.sampled_from(
    ["спасибо", "спс", "спаибо", "СПАСИБООО", "от души", "благодарю", "ерфтлы", "cgfcb,j", "🙏", "дякую",
     "рахмет", "ну", "не", "адрес", "можно?", " ", ", ", ". ", "«", "»", "ё", "пасиб", "сенкс", "мерси"]
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
    return Prefilter(PhraseMatcher(builtin_packs()).anchor_words())


def test_a_text_without_any_phrase_piece_is_skipped():
    assert not builtin_prefilter().may_match("Опаздываю на 5 минут")


def test_a_typo_keeps_one_end_of_the_word():
    assert builtin_prefilter().may_match("спвсибо")


def test_latin_letters_always_take_the_full_path():
    assert builtin_prefilter().may_match("Type-C")
