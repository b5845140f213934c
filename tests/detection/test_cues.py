"""Cue sets: word sequences with prefix words, found in a window of words."""

from __future__ import annotations

from training.corpora import DATA, read_lines

from spasibo.detection import default_detector
from spasibo.detection.cues import CueSet, spaced
from spasibo.detection.normalize import Kind, tokenize


def test_a_prefix_word_matches_any_ending():
    assert CueSet(["испорч*"]).find(["за", "испорченный", "вечер"]) == (1, 2)


def test_a_cue_matches_whole_words_only():
    assert CueSet(["не"]).find(["нет", "спасибо"]) is None


def test_a_multiword_cue_needs_its_words_in_order():
    cues = CueSet(["не скаж*"])
    assert cues.find(["спасибо", "не", "скажу"]) == (1, 3)
    assert cues.find(["скажу", "не"]) is None


def test_the_longest_cue_wins_at_one_position():
    assert list(CueSet(["не", "не надо"]).find_all(["не", "надо", "спасибо"])) == [(0, 2)]


def test_cover_accepts_words_made_of_cues_only():
    pleasantries = CueSet(["до встречи", "до", "ок"])
    assert pleasantries.covers(["ок", "до", "встречи"])
    assert pleasantries.covers([])
    assert not pleasantries.covers(["ок", "адрес"])


def test_an_empty_cue_set_finds_nothing():
    assert CueSet([]).find(["что", "угодно"]) is None
    assert not CueSet([]).covers(["слово"])


def test_a_suffix_word_matches_any_beginning():
    cues = CueSet(["*ите"])
    assert cues.find(["откройте", "пришлите"]) == (1, 2)
    assert cues.find(["ите"]) is None


def test_a_cue_occurs_only_where_a_word_can_open_one():
    cues = CueSet(["испорч*", "*ите", "не надо", "до встречи"])
    for words, occurs in [
        (["за", "испорченный", "вечер"], True),
        (["пришлите"], True),
        (["ите", "надо"], False),
        (["не", "надо"], True),
        (["надо", "не"], False),
        (["до", "свидания"], False),
    ]:
        assert cues.occurs_in(words) is occurs
        if occurs:  # the gate may say "maybe" wrongly, never "no"
            assert cues.may_occur_in(words)
    assert not cues.may_occur_in(["ите", "надо", "встречи"])
    assert not CueSet([]).may_occur_in(["слово"])


def test_the_gate_agrees_with_the_searches_on_every_built_in_cue_set():
    """Every rule's and closing's cue set, asked about the words of each line of the training corpus: where
    the gate says no word can open a cue, the search finds none (and the rule groups' ``which`` none)."""
    detector = default_detector()
    sets = [veto.cues for veto in detector._vetoes.rules()] + [
        detector._closing.reply_cues,
        detector._closing.news_cues,
        detector._closing.request_openers,
        detector._closing.pleasantries,
        detector._closing._any_request,
    ]
    texts = [line.text for line in read_lines(DATA / "dev.tsv")]
    gated = 0
    for text in texts:
        words = [token.text for token in tokenize(text) if token.kind is not Kind.PUNCT]
        for cues in sets:
            if not cues.may_occur_in(words):
                gated += 1
                assert not cues.occurs_in(words), (text, cues.pieces[:3])
        for groups in detector._vetoes._cue_sets.values():
            if not groups.may_occur_in(words):
                assert groups.which(spaced(words)) == set()
    assert gated > 0


def test_a_cue_set_compiles_an_expression_only_when_a_question_needs_it():
    # compiling every set's three expressions up front took about a fifth of the first verdict
    cues = CueSet(["до встречи", "ок"])
    assert (cues._search_re, cues._cover_re, cues._exists_re) == (None, None, None)
    assert not cues.may_occur_in(["адрес"])  # the openers answer, no expression is needed
    assert cues._exists_re is None
    assert cues.occurs_in(["ок"])
    assert (cues._search_re, cues._cover_re) == (None, None)
    assert cues._exists_re is not None
    assert cues.covers(["ок"])
    assert cues._search_re is None
    assert cues._cover_re is not None
    assert cues.find(["ок"]) == (0, 1)
    assert cues._search_re is not None
