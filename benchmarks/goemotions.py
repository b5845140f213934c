"""Precision, recall and F1 of detect() on ru_goemotions (label 15 = gratitude), beside the original regex.

The labels are machine-translated and noisy ("Пожалуйста" and "Поздравляю" are sometimes gratitude), so read
the misses and false alarms, not the last point. Run: python benchmarks/goemotions.py [PATH]
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable
from pathlib import Path

from spasibo import detect

GRATITUDE_LABEL = 15
DEFAULT_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ru_goemotions_validation.csv"
BASELINE = re.compile(
    r"(спасибо|спасиб|спс|благодар|пасиб|пасибо|сенкс|thanks|thank you|thx|ty)", re.IGNORECASE
)


def score(rows: list[tuple[str, bool]], predict: Callable[[str], bool]) -> str:
    tp = sum(1 for text, label in rows if label and predict(text))
    fp = sum(1 for text, label in rows if not label and predict(text))
    fn = sum(1 for text, label in rows if label and not predict(text))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})"


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
