"""Precision, recall and F1 of detect() on ru_goemotions (label 15 = gratitude), beside the original regex.

The labels are machine-translated and noisy ("Пожалуйста" and "Поздравляю" are sometimes gratitude), so read
the misses and false alarms, not the last point. Run: python benchmarks/goemotions.py [PATH]
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from pathlib import Path

from detector import BASELINE, shared_data  # BASELINE: the original regex, as detector.py times it
from spasibo import detect
from spasibo.detection.evaluation import Scores

GRATITUDE_LABEL = 15
DEFAULT_PATH = shared_data("ru_goemotions_validation.csv")


def score(rows: list[tuple[str, bool]], predict: Callable[[str], bool]) -> str:
    scores = Scores()
    for text, label in rows:
        predicted = predict(text)
        scores.true_positive += label and predicted
        scores.false_positive += predicted and not label
        scores.false_negative += label and not predicted
    return (
        f"P {scores.precision:.3f}  R {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"(tp {scores.true_positive}, fp {scores.false_positive}, fn {scores.false_negative})"
    )


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            (row["ru_text"], GRATITUDE_LABEL in {int(x) for x in row["labels"].strip("[]").split()})
            for row in csv.DictReader(handle)
        ]
    print(f"{path.name}: {len(rows)} texts, {sum(label for _, label in rows)} labelled gratitude")
    print(f"spasibo   {score(rows, lambda text: detect(text).gratitude)}")
    print(f"baseline  {score(rows, lambda text: BASELINE.search(text) is not None)}")


if __name__ == "__main__":
    main()
