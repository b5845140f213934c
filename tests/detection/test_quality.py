"""Quality floors: how well the shipped judge does on the lines it was trained on, and on the validation
split (writers and goemo lines whose lines it never trained on, see ``training/split.toml``).

Training figures only show the model fits; the validation floors are what generalisation to a new writer
must not fall below (they are set a little under the figures ``make model`` reports in
``training/report.json``). The frozen test set has its own test (``test_frozen.py``).
"""

from __future__ import annotations

import pytest
from training.corpora import DATA, load_split, read_lines
from training.evaluate import evaluate, floor_problems

from spasibo.detection import detect

TRAINING_FLOORS = {"precision": 0.97, "f1": 0.97, "closing_accuracy": 0.95}
VALIDATION_FLOORS = {
    "precision": 0.88,
    "recall": 0.80,
    "f1": 0.85,
    "closing_accuracy": 0.75,
    "ece_gratitude": 0.08,
}


def misses(figures) -> str:
    return "\n".join(figures.misses[:40])


@pytest.mark.parametrize("name", ["dev.tsv", "extra.tsv"])
def test_the_judge_fits_its_training_corpora(name):
    figures = evaluate(read_lines(DATA / name), detect)
    assert not floor_problems(name, figures, TRAINING_FLOORS), misses(figures)


def test_the_validation_split_meets_its_floors():
    figures = evaluate(load_split().validation, detect)
    assert not floor_problems("validation", figures, VALIDATION_FLOORS), misses(figures)


def test_the_training_corpora_cover_every_category():
    categories = {line.category for line in load_split().train}
    assert categories >= {"typo_slang", "emoji", "foreign", "sarcasm", "negated", "lookalike", "refusal"}
