"""``python -m training.band``: where the judge's mistakes lie by score, for a slower judge's band."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from training import band


def test_a_band_counts_what_it_asks_and_the_mistakes_it_holds():
    judged = [(0.1, False), (0.5, True), (0.85, False), (0.9, True), (0.99, True)]
    # at 0.77: 0.5 (a thanks missed) and 0.85 (a complaint hearted) are the mistakes
    assert band.asked_and_held(judged, 0.77, 0.2, 0.8) == (0.2, 1, 2)
    assert band.asked_and_held(judged, 0.77, 0.4, 0.95) == (0.6, 2, 2)
    assert band.asked_and_held([], 0.77, 0.4, 0.95) == (0.0, 0, 0)


def test_files_are_grouped_by_the_kind_in_their_name():
    assert band.group_of(Path("w141_day_home_bakery.tsv")) == "real proportions"
    assert band.group_of(Path("w145_comments_diet.tsv")) == "real proportions"
    assert band.group_of(Path("w147_pairs_carwash.tsv")) == "pairs"
    assert band.group_of(Path("t77_long_messages.tsv")) is None


def test_a_band_is_two_probabilities_in_order():
    assert band.band("0.4-0.95") == (0.4, 0.95)
    with pytest.raises(argparse.ArgumentTypeError):
        band.band("0.9-0.4")


def test_the_script_measures_labelled_files(small_day, capsys):
    day = small_day("w1_day_salon.tsv")
    assert band.main([str(day), "--band", "0-1"]) == 0
    out = capsys.readouterr().out
    assert "real proportions: 2 judged candidates" in out
    assert "0.00-1.00: asks 100% of the candidates" in out
