"""Cue sets: word sequences with prefix words, found in a window of words."""

from __future__ import annotations

from spasibo.detection.cues import CueSet


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
