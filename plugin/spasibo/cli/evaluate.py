"""``spasibo eval FILE.tsv [--errors]``: score the detector on a labelled corpus.

Prints precision, recall, F1, closing accuracy among true thanks and accuracy per category; ``--errors``
also lists each misclassified line with what was expected and what the detector said.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_BAD_FILE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the corpus file and ``--errors``."""
    parser.add_argument(
        "corpus", type=Path, metavar="FILE.tsv", help="text<TAB>thanks<TAB>closing<TAB>category"
    )
    parser.add_argument("--errors", action="store_true", help="list the misclassified lines")


def run(args: argparse.Namespace) -> int:
    """Score the default detector on the corpus and print the figures; 2 when the file is unusable."""
    from spasibo.detection import detect
    from spasibo.detection.evaluation import read_corpus, score
    from spasibo.errors import ConfigError

    try:
        messages = read_corpus(args.corpus)
    except ConfigError as error:
        print(f"spasibo eval: {error}", file=sys.stderr)
        return EXIT_BAD_FILE
    if not messages:  # nothing scored is no evidence: a perfect 1.000 here would be a lie
        print(f"spasibo eval: {args.corpus}: no labelled lines to score", file=sys.stderr)
        return EXIT_BAD_FILE
    scores = score(messages, detect)
    print(f"messages           {len(messages)}")
    print(f"precision          {scores.precision:.3f}")
    print(f"recall             {scores.recall:.3f}")
    print(f"F1                 {scores.f1:.3f}")
    print(f"closing accuracy   {scores.closing_accuracy:.3f}  (among {scores.closing_total} true thanks)")
    print("category accuracy")
    for category, accuracy in scores.category_accuracy().items():
        print(f"  {category:<16} {accuracy:.3f}  ({scores.per_category[category][1]})")
    if args.errors:
        print(f"misclassified      {len(scores.misses)}")
        for miss in scores.misses:
            message, verdict = miss.message, miss.verdict
            expected = f"thanks={int(message.thanks)} closing={int(message.closing)}"
            said = f"thanks={int(verdict.gratitude)} closing={int(verdict.closing)}"
            detail = f"match={verdict.match!r} reason={verdict.reason}"
            print(f"  {args.corpus}:{message.line} [{message.category}] want {expected}, got {said} {detail}")
            print(f"      {message.text!r}")
    return 0
