"""The ``spasibo`` console script: one sub-command per module in this package.

Each sub-command module exposes ``add_arguments(parser)`` and ``run(args) -> int`` and is imported only when
that sub-command runs, so ``spasibo detect`` never pays for FastAPI or neonize.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from spasibo.extras import MissingExtraError

# sub-command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "detect": ("spasibo.cli.detect", "print the verdict on each text as JSON"),
    "eval": ("spasibo.cli.evaluate", "score the detector on a labelled TSV file"),
    "phrases": ("spasibo.cli.phrases", "validate the phrase files"),
    "plugins": (
        "spasibo.cli.plugins",
        "list the loaded plugins, their versions and the hooks each implements",
    ),
    "serve": ("spasibo.cli.serve", "run the reaction service (HTTP API around the WhatsApp session pool)"),
}


def build_parser() -> argparse.ArgumentParser:
    from spasibo import __version__

    parser = argparse.ArgumentParser(prog="spasibo", description="Answer customer gratitude in chatbots.")
    parser.add_argument("--version", action="version", version=f"spasibo {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_module=module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console script; returns the process exit code."""
    argv_list = list(sys.argv[1:] if argv is None else argv)
    if not argv_list:
        build_parser().print_help(sys.stderr)
        return 2
    if argv_list[0] not in COMMANDS:
        build_parser().parse_args(argv_list)  # --help, or a usage error naming the commands; exits
        return 2
    name = argv_list[0]
    try:
        return _run_command(name, argv_list[1:])
    except MissingExtraError as error:
        print(f"spasibo {name}: {error}", file=sys.stderr)
        return 2


def _run_command(name: str, argv: list[str]) -> int:
    module = importlib.import_module(COMMANDS[name][0])
    sub = argparse.ArgumentParser(prog=f"spasibo {name}", description=COMMANDS[name][1])
    module.add_arguments(sub)
    args = sub.parse_args(argv)
    try:
        return int(module.run(args))
    except BrokenPipeError:
        # the reader went away (`spasibo eval ... | head`): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
