"""Comparing a candidate judge with the shipped one on labelled files, as a shipping decision needs:
``python -m training.compare CANDIDATE.json [--baseline MODEL.json] [--min-score N] [FILE_OR_FOLDER...]`` (by
default the frozen set against the shipped weights, each at its own default threshold).

Both judges see the same lines, so their verdicts are paired line by line. A paired bootstrap (each file's
lines drawn again with replacement, the same draw for both judges, ``DRAWS`` times from a fixed seed) gives
the candidate's change in precision, recall, F1 and closing accuracy with its 95 % interval, for each kind of
file pooled (the part of the name after the first ``_``: ``f1_day.tsv`` is a ``day``) and for every file
together. A change counts as a drop only when its whole interval is below ``-SPREAD``, a gain only when it is
above ``+SPREAD``: a file of 300 lines resolves one line as 0.3 %, and a rule of one condition per file and
figure fails a better judge on chance alone; and the bootstrap measures how the lines were sampled, not how
training spreads: two builds of the same data and code that differ only in floating-point rounding moved
pooled figures by up to 0.002 with intervals wholly on one side of zero (docs/detection.md, "Frozen test
set", session 21). ``--spread 0`` gives the rule of the gates before session 22.

A candidate that changes the finder or the rules is compared with ``--baseline-checkout DIR`` (a worktree of
the shipped commit: ``git worktree add --detach DIR main``): the baseline is then judged there, by that
checkout's own code and shipped weights, in a separate interpreter, and only the candidate by this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spasibo.detection.detector import GratitudeDetector
from spasibo.detection.linear_judge import MODEL_RESOURCE
from training.corpora import FROZEN, Line, read_lines
from training.evaluate import corpus_files
from training.judges import MODEL_FILE, detector_of

DRAWS = 2_000
SEED = 20261206
SPREAD = 0.002  # how far rebuilds that differ only in rounding moved a pooled figure (session 21)
FIGURES = ("precision", "recall", "f1", "closing")


@dataclass(frozen=True)
class Judged:
    """One file's labels and both judges' verdicts, a row per line: ``said`` gratitude, ``closed`` closing.
    Both judges run on this checkout's finder and rules: a candidate that changes the rules is compared from
    its own checkout, against the shipped weights read by those rules."""

    thanks: np.ndarray
    closing: np.ndarray
    said: tuple[np.ndarray, np.ndarray]  # baseline, candidate
    closed: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Change:
    """A figure of a group of files: both judges' values and the candidate's change with its 95 % interval."""

    baseline: float
    candidate: float
    low: float
    high: float
    spread: float = 0.0

    @property
    def verdict(self) -> str:
        """``drop`` or ``gain`` when the whole interval lies beyond the build spread, else ``same``."""
        return "drop" if self.high < -self.spread else "gain" if self.low > self.spread else "same"


Said = list[tuple[bool, bool]]  # a judge's (gratitude, closing) on every line of a file


def verdicts(lines: Sequence[Line], detector: GratitudeDetector) -> Said:
    """One detector's gratitude and closing on every line."""
    return [(v.gratitude, v.closing) for v in (detector.detect(line.text) for line in lines)]


# what ``verdicts_in_checkout`` runs there: argv[1] a JSON list of the model file, the thresholds or null, and
# the files; prints {file name: [[gratitude, closing], ...]}
_IN_CHECKOUT = """
import json, sys
from pathlib import Path
from training.corpora import read_lines
from training.judges import detector_of
model, min_score, files = json.loads(sys.argv[1])
detector = detector_of(json.loads(Path(model).read_text(encoding="utf-8")), min_score)
said = {}
for f in files:
    judged = (detector.detect(line.text) for line in read_lines(Path(f)))
    said[Path(f).name] = [[v.gratitude, v.closing] for v in judged]
print(json.dumps(said))
"""


def verdicts_in_checkout(
    checkout: Path, model: Path, files: Sequence[Path], min_score: float | None
) -> dict[str, Said]:
    """Every line's verdicts by another checkout's finder, rules and judge code with ``model``'s weights, run
    by this interpreter with that checkout first on the path."""
    path = os.pathsep.join([str(checkout / "plugin"), str(checkout)])
    arguments = json.dumps([str(model.resolve()), min_score, [str(f.resolve()) for f in files]])
    done = subprocess.run(
        [sys.executable, "-c", _IN_CHECKOUT, arguments],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=True,
    )
    return {name: [(bool(g), bool(c)) for g, c in said] for name, said in json.loads(done.stdout).items()}


def judged_file(lines: Sequence[Line], baseline: Said, candidate: Said) -> Judged:
    """Both judges' verdicts on every line, paired."""
    return Judged(
        np.array([line.thanks for line in lines]),
        np.array([line.closing for line in lines]),
        (np.array([g for g, _ in baseline]), np.array([g for g, _ in candidate])),
        (np.array([c for _, c in baseline]), np.array([c for _, c in candidate])),
    )


def _counts(judged: Judged, rows: np.ndarray, which: int) -> np.ndarray:
    """Per draw (a row of line indices): true positives, hearts, thanks, and thanks found with their closing
    right (``spasibo eval``'s counts)."""
    thanks, said = judged.thanks[rows], judged.said[which][rows]
    closing_right = said & thanks & (judged.closed[which][rows] == judged.closing[rows])
    return np.stack(
        [(said & thanks).sum(axis=-1), said.sum(axis=-1), thanks.sum(axis=-1), closing_right.sum(axis=-1)]
    )


def _pooled(
    files: dict[str, Judged], rows: dict[str, np.ndarray], names: list[str], which: int
) -> np.ndarray:
    """The counts of ``names`` summed file by file (each file's own rows)."""
    total: np.ndarray = np.stack([_counts(files[name], rows[name], which) for name in names]).sum(axis=0)
    return total


def _figures(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and closing accuracy (among the true thanks) from summed counts."""
    tp, hearts, thanks, closing_right = (counts[i].astype(float) for i in range(4))
    precision = np.divide(tp, hearts, out=np.ones_like(tp), where=hearts > 0)
    recall = np.divide(tp, thanks, out=np.ones_like(tp), where=thanks > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(tp), where=total > 0)
    closing = np.divide(closing_right, thanks, out=np.ones_like(tp), where=thanks > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "closing": closing}


def compare(
    files: dict[str, Judged], draws: int = DRAWS, seed: int = SEED, spread: float = 0.0
) -> dict[str, dict[str, Change]]:
    """Each kind of file pooled, and ``all``: every figure's change with its paired-bootstrap interval,
    judged against ``spread``."""
    rng = np.random.default_rng(seed)
    groups: dict[str, list[str]] = {}
    for name in sorted(files):
        groups.setdefault(kind_of(name), []).append(name)
    groups["all"] = sorted(files)
    whole = {name: np.arange(len(judged.thanks)) for name, judged in files.items()}
    drawn = {
        name: rng.integers(0, len(judged.thanks), size=(draws, len(judged.thanks)))
        for name, judged in sorted(files.items())
    }
    result: dict[str, dict[str, Change]] = {}
    for group, names in groups.items():
        point = [_figures(_pooled(files, whole, names, which)) for which in (0, 1)]
        resampled = [_figures(_pooled(files, drawn, names, which)) for which in (0, 1)]
        result[group] = {}
        for figure in FIGURES:
            low, high = np.percentile(resampled[1][figure] - resampled[0][figure], [2.5, 97.5])
            result[group][figure] = Change(
                float(point[0][figure]), float(point[1][figure]), float(low), float(high), spread
            )
    return result


def kind_of(name: str) -> str:
    """The kind a file's name says: what follows the first ``_`` of its stem (``f1_day.tsv`` → ``day``)."""
    stem = Path(name).stem
    return stem.split("_", 1)[1] if "_" in stem else stem


def format_table(result: dict[str, dict[str, Change]]) -> str:
    """A markdown table: per group and figure, baseline → candidate, the change's interval and its verdict."""
    out = ["| files | figure | baseline | candidate | change, 95 % interval | verdict |", "| --- " * 6 + "|"]
    for group, changes in result.items():
        for figure, change in changes.items():
            out.append(
                f"| {group} | {figure} | {change.baseline:.3f} | {change.candidate:.3f} | "
                f"{change.candidate - change.baseline:+.3f} [{change.low:+.3f}, {change.high:+.3f}] | "
                f"{change.verdict} |"
            )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the comparison; 1 when any group's figure drops, else 0."""
    parser = argparse.ArgumentParser(prog="python -m training.compare", description=__doc__)
    parser.add_argument("candidate", type=Path, help="the candidate's model file (make model's output)")
    parser.add_argument("targets", nargs="*", type=Path, help=f"TSV files or folders (default {FROZEN})")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="the model to compare with (default: the shipped one, or the checkout's)",
    )
    parser.add_argument(
        "--baseline-checkout",
        type=Path,
        help="judge the baseline by this checkout's own code (a worktree of the shipped commit), for a "
        "candidate that changes the finder or the rules",
    )
    parser.add_argument(
        "--min-score",
        type=float,
        help="judge both at this gratitude threshold (a rule's min_score) instead of each model's default",
    )
    parser.add_argument(
        "--spread",
        type=float,
        default=SPREAD,
        help=f"a change is a drop or a gain only when its whole interval lies beyond this (default {SPREAD}, "
        "the spread of rebuilds; 0 for the rule of earlier gates)",
    )
    args = parser.parse_intermixed_args(argv)
    checkout = args.baseline_checkout
    baseline = args.baseline or (checkout / "plugin" / "spasibo" / MODEL_RESOURCE if checkout else MODEL_FILE)
    paths = corpus_files(args.targets or [FROZEN])
    lines = {path.name: read_lines(path) for path in paths}
    candidate = detector_of(json.loads(args.candidate.read_text(encoding="utf-8")), args.min_score)
    if checkout:
        before = verdicts_in_checkout(checkout, baseline, paths, args.min_score)
    else:
        judge = detector_of(json.loads(baseline.read_text(encoding="utf-8")), args.min_score)
        before = {name: verdicts(file_lines, judge) for name, file_lines in lines.items()}
    files = {
        name: judged_file(file_lines, before[name], verdicts(file_lines, candidate))
        for name, file_lines in lines.items()
    }
    result = compare(files, spread=args.spread)
    print(format_table(result))
    drops = [
        f"{group} {figure}"
        for group, changes in result.items()
        for figure, c in changes.items()
        if c.verdict == "drop"
    ]
    print(f"drops beyond ±{args.spread:g}: " + (", ".join(drops) if drops else "none"))
    return 1 if drops else 0


if __name__ == "__main__":
    raise SystemExit(main())
