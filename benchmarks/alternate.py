"""Several builds of ``spasibo`` timed on the dev corpus, alternating, each run in a fresh interpreter.

For comparisons on a loaded machine, where one ``detector.py --reference`` run spreads by a fifth and more:
each round runs every build once, in turn, and the figures are the medians over the rounds of each run's
median pass (wall clock) and of its fastest pass; ratios are to the first build.
Run: ``.venv/bin/python benchmarks/alternate.py [--rounds 9] NAME=PLUGIN_DIR NAME=PLUGIN_DIR ...``, a
``PLUGIN_DIR`` being a folder holding the ``spasibo`` package (``/tmp/spasibo-df87f78/plugin``, ``plugin``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from detector import corpus_path

_TIMING = """
import statistics, sys, time
import spasibo.detection.detector as module
from spasibo.detection import default_detector
from spasibo.detection.evaluation import read_corpus
texts = [message.text for message in read_corpus(sys.argv[1])]
detect = default_detector().detect
for text in texts:
    detect(text)
timings = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    for text in texts:
        detect(text)
    timings.append((time.perf_counter() - started) / len(texts) * 1e6)
print(statistics.median(timings), min(timings), module.__file__.endswith(".so"))
"""


def run(plugin: Path, corpus: Path, passes: int) -> tuple[float, float, bool]:
    out = subprocess.run(
        [sys.executable, "-c", _TIMING, str(corpus), str(passes)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(plugin)},
    )
    median, fastest, compiled = out.stdout.split()
    return float(median), float(fastest), compiled == "True"


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
    compiled: dict[str, bool] = {}
    for _ in range(args.rounds):
        for name, folder in builds:
            median, best, is_compiled = run(folder, corpus, args.passes)
            medians[name].append(median)
            fastest[name].append(best)
            compiled[name] = is_compiled
    first = builds[0][0]
    for name, folder in builds:
        median, best = statistics.median(medians[name]), statistics.median(fastest[name])
        print(
            f"{name:12} {median:7.2f} µs median pass, {best:7.2f} µs fastest pass "
            f"({median / statistics.median(medians[first]):.2f} × / "
            f"{best / statistics.median(fastest[first]):.2f} × {first}); "
            f"detector {'compiled' if compiled[name] else 'pure Python'}; {folder}"
        )
        print(f"{'':12} runs: {' '.join(f'{us:.1f}' for us in medians[name])}")


if __name__ == "__main__":
    main()
