"""How fast is ``detect()``? Microseconds per message over the development corpus (thanks-dense), over a
realistic traffic mix (the ru-goemotions validation texts: real comments, few thanks), both against the
original production regex in the same run, plus one 4 KB message, ``import spasibo`` and the first verdict
of a fresh process (building the detector and reading the judge's model included).
Run: ``.venv/bin/python benchmarks/detector.py [corpus.tsv] [--reference DIR]``.

Issue 10's target for thanks-dense messages is to be no slower than the detector was when the issue was
filed (commit ``df87f78``, the cue-list detector). That code is not in the repository; give a checkout of it
(``git worktree add --detach /tmp/spasibo-df87f78 df87f78``) as ``--reference`` and the dev corpus is timed
on both, each in a fresh interpreter of this virtual environment, alternating three times.

The default detector is built before timing (it is built once per process in production too). Each figure
is the median of several passes over the whole corpus. Verdicts are never cached, but the detector remembers
how each distinct word reads (a bounded memo), so a first "cold" pass on a fresh detector is printed too.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import spasibo.detection.detector as detector_module
from spasibo.detection import GratitudeDetector, default_detector
from spasibo.detection.evaluation import read_corpus

PASSES = 7
LONG_MESSAGE_CHARS = 4096
LONG_MESSAGE_REPEATS = 200
BASELINE = re.compile(
    r"(спасибо|спасиб|спс|благодар|пасиб|пасибо|сенкс|thanks|thank you|thx|ty)", re.IGNORECASE
)


def shared_data(name: str) -> Path:
    """A file of the shared data folder: beside the clone (``<clone>/../shared/data``), else this machine's
    ``/work/shared/data`` (where a git worktree elsewhere finds it)."""
    beside_clone = Path(__file__).resolve().parents[1].parent / "shared" / "data" / name
    return beside_clone if beside_clone.exists() else Path("/work/shared/data") / name


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Times detect() against the regex baseline.")
    parser.add_argument("corpus", nargs="?", type=Path, help="a corpus TSV (default: the shared dev corpus)")
    parser.add_argument(
        "--reference", type=Path, help="a checkout of df87f78 (or any commit) to time on the dev corpus too"
    )
    return parser.parse_args()


def corpus_path(given: Path | None) -> Path:
    if given is not None:
        return given
    if os.environ.get("SPASIBO_DEV_CORPUS"):
        return Path(os.environ["SPASIBO_DEV_CORPUS"])
    return shared_data("gratitude_dev.tsv")


def pass_timings(judge: Callable[[str], object], texts: list[str], passes: int = PASSES) -> list[float]:
    """The mean time per text of each of ``passes`` passes, in microseconds."""
    timings = []
    for _ in range(passes):
        started = time.perf_counter()
        for text in texts:
            judge(text)
        timings.append((time.perf_counter() - started) / len(texts) * 1e6)
    return timings


def per_message_us(judge: Callable[[str], object], texts: list[str], passes: int = PASSES) -> float:
    """Median over ``passes`` of the mean time per text, in microseconds."""
    return statistics.median(pass_timings(judge, texts, passes))


def long_message(texts: list[str]) -> str:
    """A 4 KB message: corpus lines glued together (dozens of thanks, sarcasm, requests), thanks at the end.

    Harder than a real long message, which holds one or two thanks: every phrase found is checked for vetoes.
    """
    body = " ".join(texts)
    return body[: LONG_MESSAGE_CHARS - len(" Спасибо!")] + " Спасибо!"


def realistic_texts() -> list[str]:
    """The ru-goemotions validation texts (Russian column): real people's comments, a few of them thanks."""
    with shared_data("ru_goemotions_validation.csv").open(encoding="utf-8", newline="") as source:
        return [row["ru_text"] for row in csv.DictReader(source)]


_FRESH_PROCESS = """
import time
started = time.perf_counter()
import spasibo
imported = time.perf_counter()
spasibo.detect("Спасибо большое!")
print((imported - started) * 1e3, (time.perf_counter() - imported) * 1e3)
"""


# run in a fresh interpreter whose ``spasibo`` is another checkout's: this script's own timing, warmed up
_DEV_CORPUS_TIMING = """
import statistics, sys
sys.path.insert(0, sys.argv[3])
from detector import pass_timings
from spasibo.detection import default_detector
from spasibo.detection.evaluation import read_corpus
texts = [message.text for message in read_corpus(sys.argv[1])]
detect = default_detector().detect
pass_timings(detect, texts, passes=1)
timings = pass_timings(detect, texts, int(sys.argv[2]))
print(statistics.median(timings), min(timings))
"""


def dev_corpus_us(plugin: Path, corpus: Path, passes: int = PASSES) -> tuple[float, float]:
    """Median and fastest pass (µs per message) of a fresh interpreter whose ``spasibo`` is ``plugin``'s."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _DEV_CORPUS_TIMING,
            str(corpus),
            str(passes),
            str(Path(__file__).resolve().parent),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(plugin)},
    )
    median, fastest = map(float, out.stdout.split())
    return median, fastest


def against_reference(reference: Path, corpus: Path, rounds: int = 3) -> tuple[list[float], list[float]]:
    """This code's and the reference's dev-corpus figures, alternating, each in a fresh interpreter."""
    this_plugin = Path(detector_module.__file__ or "").resolve().parents[2]  # plugin/, or the compiled build
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        theirs.append(dev_corpus_us(reference / "plugin", corpus)[0])
        ours.append(dev_corpus_us(this_plugin, corpus)[0])
    return ours, theirs


def fresh_process_ms(runs: int = 5) -> tuple[float, float]:
    """Median ``import spasibo`` and first-verdict times of a fresh interpreter, in milliseconds."""
    timings = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _FRESH_PROCESS], capture_output=True, text=True, check=True
        )
        timings.append(tuple(map(float, out.stdout.split())))
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def main() -> None:
    args = arguments()
    corpus = corpus_path(args.corpus)
    messages = read_corpus(corpus)
    texts = [message.text for message in messages]
    plain = [message.text for message in messages if message.category == "neutral"]
    detector = default_detector()
    detector.detect("прогрев")  # build the detector outside the timing
    cold = per_message_us(GratitudeDetector().detect, texts, passes=1)
    ours = per_message_us(detector.detect, texts)
    baseline = per_message_us(BASELINE.search, texts)
    plain_ours = per_message_us(detector.detect, plain)
    plain_baseline = per_message_us(BASELINE.search, plain)
    long_text = long_message(texts)
    long_us = per_message_us(detector.detect, [long_text] * LONG_MESSAGE_REPEATS)
    source = Path(detector_module.__file__ or "")
    build = "compiled (make compiled)" if source.suffix == ".so" else "pure Python"
    print(f"detector               {build}: {source.parent}")
    print(f"corpus                 {len(texts)} messages, median of {PASSES} passes")
    print(f"spasibo detect()       {ours:8.2f} µs/message ({cold:.2f} on the first pass of a fresh detector)")
    print(f"baseline regex search  {baseline:8.2f} µs/message")
    print(f"ratio                  {ours / baseline:8.1f} × baseline")
    if args.reference is None:
        print("  target: no slower than df87f78 (issue 10); --reference DIR times a checkout of it here")
    else:
        now, then = against_reference(args.reference, corpus)
        ratio = statistics.median(now) / statistics.median(then)
        print(
            f"  fresh interpreters, alternating: this code {statistics.median(now):.2f} µs "
            f"({' / '.join(f'{us:.1f}' for us in now)}), {args.reference} {statistics.median(then):.2f} µs "
            f"({' / '.join(f'{us:.1f}' for us in then)}): {ratio:.2f} × (target ≤ 1: no slower than df87f78)"
        )
    print(
        f"messages without thanks {plain_ours:7.2f} µs vs {plain_baseline:.2f} µs baseline "
        f"({plain_ours / plain_baseline:.1f} ×; the {len(plain)} 'neutral' lines, most of real chat traffic)"
    )
    print(f"4 KB message           {long_us:8.1f} µs ({len(long_text)} chars; target ≤ 1000)")
    real = realistic_texts()
    real_cold = per_message_us(GratitudeDetector().detect, real, passes=1)
    real_ours = per_message_us(detector.detect, real, passes=3)
    real_baseline = per_message_us(BASELINE.search, real, passes=3)
    print(
        f"realistic mix          {real_ours:8.2f} µs vs {real_baseline:.2f} µs baseline "
        f"({real_ours / real_baseline:.1f} ×; {len(real)} ru-goemotions texts; target ≤ 2)"
    )
    print(f"  first pass of a fresh detector {real_cold:.2f} µs (every word's readings still to learn)")
    imported_ms, first_ms = fresh_process_ms()
    print(f"import spasibo         {imported_ms:8.1f} ms; first verdict {first_ms:.1f} ms (target ≤ 500)")
    settings = detector.settings
    print(
        f"  (texts over {settings.max_text_chars} chars are read as two {settings.window_chars}-char windows)"
    )


if __name__ == "__main__":
    main()
