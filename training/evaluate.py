"""Measuring the detector on labelled files: ``python -m training.evaluate [--frozen] [FOLDER_OR_FILE...]``.

For each file (and all of them together) prints precision, recall and F1 of gratitude, closing accuracy
among true thanks, accuracy per category, precision/recall by ``min_score`` (the rule setting a bot author
raises for precision) and the expected calibration error (ECE, 10 bins) of the gratitude and the closing
scores. ``--frozen`` measures ``training/data/frozen/``, the test set nothing was trained or tuned on;
``--floors`` prints instead the ``floors.toml`` tables that the detector measured meets.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from spasibo.detection.evaluation import LabelledMessage, Scores, score_verdicts
from spasibo.models import Verdict
from training.corpora import FROZEN, Line, read_lines

CURVE_MIN_SCORES = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95)
ECE_BINS = 10


@dataclass
class Figures:
    """What one evaluation measured."""

    lines: int
    precision: float
    recall: float
    f1: float
    closing_accuracy: float
    categories: dict[str, float]
    curve: list[dict[str, float]]
    ece_gratitude: float
    ece_closing: float
    misses: list[str] = field(default_factory=list)


def judged_score(verdict: Verdict) -> float:
    """The judge's gratitude score of a verdict; 0 when no thanks-like phrase was found or a rule vetoed."""
    return verdict.score if verdict.judge is not None and verdict.rule is None else 0.0


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = ECE_BINS) -> float:
    """Mean |confidence − accuracy| over equal-width probability bins, weighted by how many fall in each."""
    if not pairs:
        return 0.0
    totals = [[0.0, 0.0, 0] for _ in range(bins)]
    for probability, label in pairs:
        slot = totals[min(bins - 1, int(probability * bins))]
        slot[0] += probability
        slot[1] += label
        slot[2] += 1
    return sum(abs(p - y) for p, y, n in totals if n) / len(pairs)


def evaluate(lines: Iterable[Line], detect: Callable[[str], Verdict]) -> Figures:
    """Run ``detect`` on every line and measure it."""
    return evaluate_verdicts([(line, detect(line.text)) for line in lines])


def evaluate_verdicts(judged: Sequence[tuple[Line, Verdict]]) -> Figures:
    """Measure verdicts against the lines they were given for."""
    # the counts are spasibo eval's; what is added here is the curve by min_score and the calibration error
    scores = score_verdicts(
        (LabelledMessage(line.text, line.thanks, line.closing, line.category, number), verdict)
        for number, (line, verdict) in enumerate(judged)
    )
    gratitude_pairs = [(judged_score(verdict) / 100, line.thanks) for line, verdict in judged]
    closing_pairs = [
        (verdict.closing_score / 100, line.closing)
        for line, verdict in judged
        if line.thanks and verdict.gratitude
    ]
    thanks_total = sum(1 for _, label in gratitude_pairs if label)
    curve = []
    for min_score in CURVE_MIN_SCORES:
        ctp = sum(1 for (p, y) in gratitude_pairs if y and p * 100 >= min_score and p > 0)
        cfp = sum(1 for (p, y) in gratitude_pairs if not y and p * 100 >= min_score and p > 0)
        at = Scores(true_positive=ctp, false_positive=cfp, false_negative=thanks_total - ctp)
        curve.append({"min_score": min_score, "precision": at.precision, "recall": at.recall, "f1": at.f1})
    return Figures(
        lines=len(judged),
        precision=scores.precision,
        recall=scores.recall,
        f1=scores.f1,
        closing_accuracy=scores.closing_accuracy,
        categories=scores.category_accuracy(),
        curve=curve,
        ece_gratitude=expected_calibration_error(gratitude_pairs),
        ece_closing=expected_calibration_error(closing_pairs),
        misses=[_describe_miss(judged[miss.message.line][0], miss.verdict) for miss in scores.misses],
    )


def _describe_miss(line: Line, verdict: Verdict) -> str:
    return (
        f"{line.source} {int(line.thanks)}/{int(line.closing)} {line.text[:100]!r} -> "
        f"gratitude={verdict.gratitude} closing={verdict.closing} score={verdict.score} "
        f"reason={verdict.reason} rule={verdict.rule}"
    )


FLOOR_NAMES = ("precision", "recall", "f1", "closing_accuracy")
CEILING_NAMES = ("ece_gratitude", "ece_closing")
# a floor is the figure less FLOOR_MARGIN, a ceiling the ECE plus CEILING_MARGIN, both to 2 places
FLOOR_MARGIN = 0.01
CEILING_MARGIN = 0.02


def floor_problems(name: str, figures: Figures, floors: dict[str, float]) -> list[str]:
    """Each figure below its floor (or an ECE above its ceiling), as a sentence; an unknown key is one too."""
    problems = []
    for key, bound in floors.items():
        if key in FLOOR_NAMES and getattr(figures, key) < bound:
            problems.append(f"{name}: {key} {getattr(figures, key):.3f} < floor {bound}")
        elif key in CEILING_NAMES and getattr(figures, key) > bound:
            problems.append(f"{name}: {key} {getattr(figures, key):.3f} > ceiling {bound}")
        elif key.startswith("category.") and figures.categories.get(key[9:], 1.0) < bound:
            problems.append(f"{name}: {key} {figures.categories[key[9:]]:.3f} < floor {bound}")
        elif key not in (*FLOOR_NAMES, *CEILING_NAMES) and not key.startswith("category."):
            problems.append(f"{name}: unknown floor {key!r}")
    return problems


def floors_toml(results: dict[str, Figures]) -> str:
    """The ``floors.toml`` tables that a judge with these figures meets: one per file in natural order
    (``f2_…`` before ``f10_…``; ``all`` last), each figure less ``FLOOR_MARGIN`` rounded down, each ECE plus
    ``CEILING_MARGIN`` rounded up, to 2 places."""

    def order(name: str) -> tuple[bool, list[int | str]]:
        return name == "all", [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]

    out = []
    for name in sorted(results, key=order):
        figures = results[name]
        out.append("[all]" if name == "all" else f'["{name}"]')
        out += [
            f"{key} = {_hundredths(getattr(figures, key) - FLOOR_MARGIN, math.floor)}" for key in FLOOR_NAMES
        ]
        out += [
            f"{key} = {_hundredths(getattr(figures, key) + CEILING_MARGIN, math.ceil)}"
            for key in CEILING_NAMES
        ]
        out.append("")
    return "\n".join(out)


def _hundredths(value: float, rounding: Callable[[float], int]) -> str:
    """``value`` rounded to 2 places by ``rounding`` (``math.floor`` or ``math.ceil``), as TOML writes it."""
    return f"{rounding(round(value * 100, 6)) / 100:.2f}"


def format_figures(name: str, figures: Figures) -> str:
    """A readable block of figures for one file."""
    out = [
        f"== {name}: {figures.lines} lines",
        f"precision {figures.precision:.3f}  recall {figures.recall:.3f}  F1 {figures.f1:.3f}  "
        f"closing {figures.closing_accuracy:.3f}  ECE gratitude {figures.ece_gratitude:.3f}  "
        f"ECE closing {figures.ece_closing:.3f}",
        "categories: " + "  ".join(f"{k} {v:.2f}" for k, v in figures.categories.items()),
        "min_score  " + "  ".join(f"{p['min_score']:>4}" for p in figures.curve),
        "precision  " + "  ".join(f"{p['precision']:.2f}" for p in figures.curve),
        "recall     " + "  ".join(f"{p['recall']:.2f}" for p in figures.curve),
    ]
    return "\n".join(out)


def corpus_files(targets: Sequence[Path]) -> list[Path]:
    """The TSV files named, or found in the folders named, in a stable order."""
    files: list[Path] = []
    for target in targets:
        files.extend(sorted(target.glob("*.tsv")) if target.is_dir() else [target])
    return files


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures of every file and of all of them together; 2 when there is nothing to measure."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__)
    parser.add_argument("targets", nargs="*", type=Path, help="TSV files or folders of them")
    parser.add_argument("--frozen", action="store_true", help=f"measure {FROZEN}")
    parser.add_argument("--misses", action="store_true", help="list every message judged wrong")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--floors", action="store_true", help="print the floors.toml tables these figures meet (no header)"
    )
    args = parser.parse_args(argv)
    files = corpus_files([*args.targets, *([FROZEN] if args.frozen else [])])
    if not files:
        print("no labelled files to measure", file=sys.stderr)
        return 2
    from spasibo.detection import detect

    everything: list[Line] = []
    results: dict[str, Figures] = {}
    for path in files:
        lines = read_lines(path)
        everything.extend(lines)
        results[path.name] = evaluate(lines, detect)
    if len(files) > 1:
        results["all"] = evaluate(everything, detect)
    if args.floors:
        print(floors_toml(results), end="")
        return 0
    for name, figures in results.items():
        if args.json:
            continue
        print(format_figures(name, figures))
        if args.misses:
            print("\n".join(figures.misses))
    if args.json:
        payload = {name: {k: v for k, v in asdict(f).items() if k != "misses"} for name, f in results.items()}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
