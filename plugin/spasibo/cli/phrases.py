"""``spasibo phrases check [FILE...]``: validate the built-in phrase files and any given ones.

Prints one ``file:line: problem`` per problem and exits 1 when there is any, 0 with a summary otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_PROBLEMS = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``check`` action and the extra files to check."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate the built-in phrase files and FILES")
    check.add_argument("files", nargs="*", type=Path, metavar="FILE", help="more phrase files (TOML)")


def run(args: argparse.Namespace) -> int:
    """Validate every file and the packs together; print the problems; return 1 if any."""
    from spasibo.phrases import PhraseFileError, PhrasePack, builtin_pack_files, load_pack, validate_packs

    packs: list[PhrasePack] = []
    problems: list[str] = []
    files = [*builtin_pack_files(), *args.files]
    for path in files:
        try:
            packs.append(load_pack(path))
        except PhraseFileError as error:
            problems.extend(str(problem) for problem in error.problems)
    problems.extend(str(problem) for problem in validate_packs(packs))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} phrase file(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    phrases = sum(len(pack.phrases) + len(pack.weak_phrases) for pack in packs)
    print(f"{len(files)} phrase file(s) OK: {phrases} phrases in {len({p.intent for p in packs})} intent(s)")
    return 0
