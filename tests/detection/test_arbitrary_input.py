"""Any input gives a verdict: never an exception, spans inside the text, bounded time."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasibo.detection import detect
from spasibo.models import Verdict

_CHAT_ALPHABET = st.sampled_from(list('спасибо thanks ,.?!«»"🙏🏽❤️\n\x00\u200b ёЁ-SPS0123 cgfcb,j не ну'))


@pytest.fixture(autouse=True, scope="module")
def _warm_detector():
    """The judge's model is read on the first candidate; the deadline is for verdicts, not for that."""
    detect("спасибо большое")


@given(st.text())
def test_any_unicode_text_gives_a_verdict(text):
    verdict = detect(text)
    assert isinstance(verdict, Verdict)
    if verdict.span is not None:
        assert 0 <= verdict.span[0] < verdict.span[1] <= len(text)


@settings(max_examples=300)
@given(st.text(alphabet=_CHAT_ALPHABET, max_size=120))
def test_chat_like_noise_gives_a_consistent_verdict(text):
    verdict = detect(text)
    assert 0.0 <= verdict.score <= 100.0
    assert not (verdict.closing and not verdict.intent)
    assert verdict.gratitude == (verdict.intent == "gratitude")


def test_empty_and_whitespace_texts_are_not_thanks():
    for text in ("", " ", "\n\t  \n"):
        assert detect(text) == Verdict()


def test_control_characters_are_harmless():
    assert detect("\x00\x07спасибо\x1b[0m").gratitude


def test_a_100_kb_text_is_judged_quickly_and_marked_truncated():
    text = ("Добрый день, у меня вопрос по записи. " * 2700)[:100_000]
    started = time.perf_counter()
    verdict = detect(text)
    elapsed_s = time.perf_counter() - started
    assert verdict.truncated
    assert elapsed_s < 1.0  # generous bound on a shared machine; the benchmark gives the real figure
