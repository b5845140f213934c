"""Windows around a phrase: the words a veto rule sees stop at its scope's boundary and never exceed the
window, whatever the message looks like."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spasibo.detection.context import WORD_KINDS, MessageContext
from spasibo.detection.normalize import Kind, Token, tokenize
from spasibo.phrases.pack import VetoScope

_BREAKERS = frozenset({"но", "а"})
_MESSAGE_PIECES = st.sampled_from(["спасибо", "ну", "но", "а", "не", "за", "что", ",", ".", "?", "🙏", "12"])


def _context(text: str, reach_words: int = 50) -> MessageContext:
    return MessageContext(text, tokenize(text), _BREAKERS, reach_words)


def _stops(token: Token, scope: VetoScope) -> bool:
    if scope is VetoScope.MESSAGE:
        return False
    if token.kind is Kind.END:
        return True
    if token.kind is Kind.PUNCT or token.kind is Kind.EMOJI:  # an emoji ends a phrase like a comma
        return scope is VetoScope.PHRASE
    return scope is VetoScope.CLAUSE and token.text in _BREAKERS


def _walk(tokens: list[Token], start: int, step: int, scope: VetoScope) -> list[str]:
    """The plain definition: step token by token from ``start``, keep words, stop at the boundary."""
    words = []
    index = start
    while 0 <= index < len(tokens) and not _stops(tokens[index], scope):
        if tokens[index].kind in WORD_KINDS:
            words.append(tokens[index].text)
        index += step
    return words[::-1] if step < 0 else words


def test_a_phrase_window_stops_at_a_comma():
    context = _context("не надо, спасибо")
    assert context.words_before(3, 3, VetoScope.PHRASE) == []
    assert context.words_before(3, 3, VetoScope.SENTENCE) == ["не", "надо"]


def test_a_clause_window_stops_at_a_clause_breaker():
    context = _context("спасибо за ужин но холодный")
    assert context.words_after(1, 14, VetoScope.CLAUSE) == ["за", "ужин"]


def test_a_message_window_crosses_sentence_ends():
    context = _context("никто не перезвонил. ну. спасибо")
    assert context.words_before(6, 40, VetoScope.MESSAGE) == ["никто", "не", "перезвонил", "ну"]


def test_a_window_holds_at_most_its_size_nearest_first():
    context = _context("ну вот и спасибо вам всем большое")
    assert context.words_before(3, 2, VetoScope.SENTENCE) == ["вот", "и"]
    assert context.words_after(4, 2, VetoScope.SENTENCE) == ["вам", "всем"]


@settings(max_examples=300)
@given(
    st.lists(_MESSAGE_PIECES, max_size=30).map(" ".join),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(list(VetoScope)),
)
def test_windows_are_the_words_up_to_the_boundary(text, position, window, scope):
    context = _context(text, reach_words=12)
    tokens = list(context.tokens)
    position = min(position, len(tokens))
    size = min(window, 12)
    before = _walk(tokens, position - 1, -1, scope)
    assert context.words_before(position, window, scope) == (before[-size:] if size else [])
    assert context.words_after(position, window, scope) == _walk(tokens, position, 1, scope)[:size]


def test_a_phrase_window_stops_at_an_emoji():
    context = _context("ноги не чувствую 😅 спасибо")
    assert context.words_before(4, 3, VetoScope.PHRASE) == []
    assert context.words_before(4, 3, VetoScope.SENTENCE) == ["не", "чувствую", "😅"]
