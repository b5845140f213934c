"""Normalisation: what the matcher compares is lower case, ё-free, unstretched, with codes set apart."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spasibo.detection.normalize import (
    _SAME_LENGTH,
    _TOKEN_RE,
    LAYOUT_CHUNK_RE,
    Kind,
    layout_chunks,
    normalize_word,
    swap_layout,
    tokenize,
    transliterate,
    word_form,
)


def words(text: str) -> list[str]:
    return [token.text for token in tokenize(text) if token.kind is Kind.WORD]


def test_words_are_lower_case_without_yo():
    assert words("Всё СПАСИБО") == ["все", "спасибо"]


def test_stretched_letters_collapse_to_one():
    assert words("спасибоооо спасииибо") == ["спасибо", "спасибо"]


def test_double_letters_are_kept():
    assert words("класс") == ["класс"]


def test_stress_marks_are_dropped():
    assert words("спаси\u0301бо") == ["спасибо"]


def test_token_offsets_point_into_the_original_text():
    text = "Ну СПАСИБО!"
    token = next(token for token in tokenize(text) if token.text == "спасибо")
    assert text[token.start : token.end] == "СПАСИБО"


def test_offsets_survive_control_and_invisible_characters():
    text = "\x00\u200bспасибо"
    token = tokenize(text)[0]
    assert (token.start, token.end) == (2, 9)


def test_emoji_are_tokens_and_skin_tones_are_ignored():
    tokens = tokenize("🙏🏽🙏")
    assert [(t.text, t.kind) for t in tokens] == [("🙏", Kind.EMOJI), ("🙏", Kind.EMOJI)]


def test_words_glued_to_digits_are_codes():
    kinds = {token.text: token.kind for token in tokenize("SPS-4412 SPSB20 R19")}
    assert kinds["sps"] is Kind.CODE
    assert kinds["spsb20"] is Kind.CODE
    assert kinds["r19"] is Kind.CODE


def test_question_mark_ends_a_sentence_as_question():
    assert [t.text for t in tokenize("спасибо?!") if t.kind is Kind.END] == ["?"]


def test_layout_swap_reads_qwerty_typing_as_russian():
    assert swap_layout("cgfcb,j") == "спасибо"


def test_layout_swap_reads_russian_typing_as_english():
    assert swap_layout("ерфтлы") == "thanks"


def test_layout_swap_refuses_mixed_scripts():
    assert swap_layout("спасибоthanks") is None


def test_translit_reads_latin_as_russian():
    assert transliterate("spasibo") == "спасибо"
    assert transliterate("blagodaryu") == "благодарю"


def test_translit_ignores_cyrillic():
    assert transliterate("спасибо") is None


def test_latin_lookalike_letters_in_a_cyrillic_word_read_as_cyrillic():
    assert words("cпс Cпасибо спаcибо") == ["спс", "спасибо", "спасибо"]  # Latin c in each


def test_words_in_latin_or_with_other_latin_letters_are_left_as_they_are():
    assert words("cool спасиbо") == ["cool", "спасиbо"]


def test_normalize_word_applies_every_step():
    assert normalize_word("СпасибООО") == "спасибо"


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from(list("cgfcb,j.;'[]` аб1")), max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)), min_size=1, max_size=2),
)
def test_layout_chunks_in_windows_are_those_of_the_whole_text(text, cuts):
    windows = sorted((min(start, len(text)), min(start + size, len(text))) for start, size in cuts)
    whole = [m.span() for m in LAYOUT_CHUNK_RE.finditer(text)]
    overlapping = [(s, e) for s, e in whole if any(s < end and start < e for start, end in windows)]
    found = [m.span() for m in layout_chunks(text, windows)]
    assert set(overlapping) <= set(found) <= set(whole)


_ANY_CHARACTERS = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("Спасибо ё_'’-,.!?…\n«»\"@#№5 \u0301\u200b🙏🏽❤️;[]`~%$")),
        st.characters(),
    ),
    max_size=40,
)


@settings(max_examples=500)
@given(_ANY_CHARACTERS, st.integers(0, 5))
def test_tokens_cover_the_text_in_order_and_skip_only_what_starts_no_token(text, offset):
    tokens = tokenize(text, offset)
    position = 0
    for token in tokens:
        start, end = token.start - offset, token.end - offset
        assert position <= start < end <= len(text)
        assert tokenize(text[position:start]) == []  # the skipped run holds no token of its own
        piece = text[start:end]
        if token.kind is Kind.EMOJI or token.kind is Kind.PUNCT:
            assert len(piece) == 1
        elif token.kind is Kind.END:
            assert token.text in piece
        position = end
    assert tokenize(text[position:]) == []


def _tokens_of_the_whole_text(text: str) -> list[tuple[str, int, int, Kind]]:
    """The token pattern run over the whole lower-cased text at once: what ``tokenize`` must give although
    it splits the text at spaces and remembers each run (codes aside, which it marks afterwards)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(char.lower()[:1] for char in text)
    found, end = [], 0
    for skipped, word, emoji, mark, punct in _TOKEN_RE.findall(lowered):
        start = end + len(skipped)
        end = start + len(word or emoji or mark or punct)
        if word:
            found.append((word, start, end, Kind.WORD))
        elif emoji:
            found.append((emoji, start, end, Kind.EMOJI))
        elif mark:
            found.append(("?" if "?" in mark else mark[0], start, end, Kind.END))
        elif punct:
            found.append((punct, start, end, Kind.PUNCT))
    return found


@settings(max_examples=500)
@given(st.lists(_ANY_CHARACTERS, max_size=4).map(" ".join))
def test_splitting_at_spaces_gives_the_tokens_of_the_whole_text(text):
    if not text.isprintable():
        text = text.translate(_SAME_LENGTH)
    tokens = tokenize(text)
    assert [(t.start, t.end) for t in tokens] == [(s, e) for _, s, e, _ in _tokens_of_the_whole_text(text)]
    for token, (word, _, _, kind) in zip(tokens, _tokens_of_the_whole_text(text), strict=True):
        if kind is Kind.WORD:
            assert token.kind in (Kind.WORD, Kind.NUMBER, Kind.CODE)
            assert token.text in (word, word_form(word))
        else:
            assert (token.text, token.kind) == (word, kind)
