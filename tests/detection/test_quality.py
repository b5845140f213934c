"""Quality floors of the shipped judge on the corpora it was trained on.

These figures only show that the model fits its data; generalisation to a new writer is measured by
cross-fitting in ``make model`` (each writer judged by a model that never saw it, floors in
``test_model_build.py``) and by the frozen test set (``test_frozen.py``).
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


def test_the_training_corpora_cover_every_category():
    categories = {line.category for line in load_split().train}
    assert categories >= {"typo_slang", "emoji", "foreign", "sarcasm", "negated", "lookalike", "refusal"}
