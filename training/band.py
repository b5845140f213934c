"""Where the judge's mistakes lie by score: ``python -m training.band FILE... [--band 0.4-0.95 ...]``.

For a judge that asks a slower one (``hooks/spasibo-hosted-judge``) about the candidates it is unsure of:
for each band of gratitude probability, the share of judged candidates that fall in it (what asking costs)
and how many of the judge's mistakes at its default threshold lie in it (what asking can mend). Candidates
that the finder or a hard rule decided are left out, since no judge is asked about them. Files are grouped by
the kind in their name (``w141_day_…``): real proportions (``day``, ``comments``), ``mixed``, ``pairs``.
Measure on files nothing was trained on, and never on the frozen set.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from training.corpora import read_lines
from training.evaluate import corpus_files

GROUPS = {"real proportions": ("day", "comments"), "mixed": ("mixed",), "pairs": ("pairs",)}
DEFAULT_BANDS = ("0.2-0.8", "0.4-0.9", "0.4-0.95", "0.5-0.95", "0.3-0.97")


def band(text: str) -> tuple[float, float]:
    """``"0.4-0.95"`` as ``(0.4, 0.95)``."""
    low, high = map(float, text.split("-"))
    if not 0.0 <= low < high <= 1.0:
        raise argparse.ArgumentTypeError(f"a band is LOW-HIGH with 0 <= LOW < HIGH <= 1, got {text!r}")
    return low, high


def group_of(path: Path) -> str | None:
    """The group of a file by the kind its name gives second (``w141_day_bakery.tsv`` → real proportions)."""
    parts = path.stem.split("_")
    kind = parts[1] if len(parts) > 1 else ""
    return next((group for group, kinds in GROUPS.items() if kind in kinds), None)


def asked_and_held(
    judged: Sequence[tuple[float, bool]], cut: float, low: float, high: float
) -> tuple[float, int, int]:
    """For judged candidates (gratitude probability, is it thanks): the share of them in ``[low, high]``, and
    how many of the mistakes at ``cut`` lie in the band, out of how many."""
    mistakes = [p for p, thanks in judged if (p >= cut) != thanks]
    asked = sum(low <= p <= high for p, _ in judged)
    return asked / len(judged) if judged else 0.0, sum(low <= p <= high for p in mistakes), len(mistakes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.band", description=__doc__)
    parser.add_argument("targets", nargs="+", type=Path, help="TSV files or folders of them")
    parser.add_argument("--band", dest="bands", action="append", type=band, help="LOW-HIGH, repeatable")
    args = parser.parse_args(argv)
    from spasibo.detection import default_detector

    detector = default_detector()
    cut = detector.min_scores()[0] / 100
    judged: dict[str, list[tuple[float, bool]]] = {group: [] for group in GROUPS}
    for path in corpus_files(args.targets):
        group = group_of(path)
        if group is None:
            continue
        for line in read_lines(path):
            verdict = detector.detect(line.text)
            if verdict.judge is not None and verdict.rule is None:
                judged[group].append((verdict.score / 100, line.thanks))
    print(f"the judge's default threshold: {cut:.2f}")
    for group, scores in judged.items():
        print(f"{group}: {len(scores)} judged candidates")
        for low, high in args.bands or [band(text) for text in DEFAULT_BANDS]:
            share, held, mistakes = asked_and_held(scores, cut, low, high)
            asks = f"asks {share:4.0%} of the candidates"
            print(f"  {low:.2f}-{high:.2f}: {asks}, holds {held}/{mistakes} mistakes at the threshold")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
