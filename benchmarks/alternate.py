"""Several builds of ``spasibo`` timed on the dev corpus, alternating, each run in a fresh interpreter.

For comparisons on a loaded machine, where one ``detector.py --reference`` run spreads by a fifth and more:
each round runs every build once, in turn, and the figures are the medians over the rounds of each run's
median pass (wall clock) and of its fastest pass; ratios are to the first build.
Run: ``.venv/bin/python benchmarks/alternate.py [--rounds 9] NAME=PLUGIN_DIR NAME=PLUGIN_DIR ...``, a
``PLUGIN_DIR`` being a folder holding the ``spasibo`` package (``/tmp/spasibo-df87f78/plugin``, ``plugin``).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from detector import corpus_path, dev_corpus_us


def is_compiled(plugin: Path) -> bool:
    """Whether the ``spasibo`` package in ``plugin`` is the compiled build (``make compiled``)."""
    return any((plugin / "spasibo" / "detection").glob("*.so"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builds", nargs="+", help="NAME=PLUGIN_DIR")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--passes", type=int, default=7)
    args = parser.parse_args()
    builds = [(name, Path(folder).resolve()) for name, folder in (b.split("=", 1) for b in args.builds)]
    corpus = corpus_path(None)
    medians: dict[str, list[float]] = {name: [] for name, _ in builds}
    fastest: dict[str, list[float]] = {name: [] for name, _ in builds}
    for _ in range(args.rounds):
        for name, folder in builds:
            median, best = dev_corpus_us(folder, corpus, args.passes)
            medians[name].append(median)
            fastest[name].append(best)
    first = builds[0][0]
    for name, folder in builds:
        median, best = statistics.median(medians[name]), statistics.median(fastest[name])
        print(
            f"{name:12} {median:7.2f} µs median pass, {best:7.2f} µs fastest pass "
            f"({median / statistics.median(medians[first]):.2f} × / "
            f"{best / statistics.median(fastest[first]):.2f} × {first}); "
            f"detector {'compiled' if is_compiled(folder) else 'pure Python'}; {folder}"
        )
        print(f"{'':12} runs: {' '.join(f'{us:.1f}' for us in medians[name])}")


if __name__ == "__main__":
    main()
