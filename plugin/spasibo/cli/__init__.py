"""The ``spasibo`` console script: one sub-command per module in this package.

Each sub-command module exposes ``add_arguments(parser)`` and ``run(args) -> int`` and is imported only when
that sub-command runs, so ``spasibo detect`` never pays for FastAPI or neonize.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# sub-command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "detect": ("spasibo.cli.detect", "print the verdict on each text as JSON"),
    "eval": ("spasibo.cli.evaluate", "score the detector on a labelled TSV file"),
    "phrases": ("spasibo.cli.phrases", "validate the phrase files"),
    "serve": ("spasibo.cli.serve", "run the reaction service (HTTP API around the WhatsApp session pool)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spasibo", description="Answer customer gratitude in chatbots.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_module=module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console script; returns the process exit code."""
    parser = build_parser()
    args, _ = parser.parse_known_args(argv)
    module = importlib.import_module(args._module)
    sub = argparse.ArgumentParser(prog=f"spasibo {args.command}", description=COMMANDS[args.command][1])
    module.add_arguments(sub)
    argv_list = list(sys.argv[1:] if argv is None else argv)
    sub_args = sub.parse_args(argv_list[argv_list.index(args.command) + 1 :])
    return int(module.run(sub_args))


if __name__ == "__main__":
    sys.exit(main())
