"""``spasibo detect``: print the verdict on each text as one JSON object per line.

Texts come from the command line, else from stdin: one text per line, or with ``--jsonl`` one
``{"text": ...}`` object per line. Every input line gets exactly one output line, so outputs zip with
inputs: a blank line gets ``{"line": N, "skipped": "blank line"}``, a bad line (invalid JSON, nesting too
deep, a number too long, no string ``text``) an ``{"line": N, "error": ...}`` line, the stream goes on, and
the exit code is 1 at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``TEXT...``, ``--jsonl`` and ``--explain``."""
    parser.add_argument("texts", nargs="*", metavar="TEXT", help="messages to judge")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"text": ...} JSON lines from stdin, one output line per input line',
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="explain each TEXT: the phrases found, every rule that fired, what pushed the judge",
    )


def run(args: argparse.Namespace) -> int:
    """Print one verdict per text; return 1 when an input line was unusable, else 0."""
    from spasibo.detection import detect

    out = sys.stdout
    if args.explain:
        from spasibo.detection import default_detector
        from spasibo.detection.explain import explain

        print("\n\n".join(explain(text, default_detector()) for text in args.texts), file=out)
        return 0
    if args.texts and not args.jsonl:
        for text in args.texts:
            _write(out, detect(text).model_dump(mode="json"))
        return 0
    if sys.stdin.isatty():
        print("spasibo detect: give TEXT arguments or pipe lines to stdin", file=sys.stderr)
        return EXIT_USAGE
    return _run_lines(sys.stdin, out, jsonl=args.jsonl)


def _run_lines(source: TextIO, out: TextIO, *, jsonl: bool) -> int:
    from spasibo.detection import detect

    status = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            _write(out, {"line": number, "skipped": "blank line"})
            continue
        text, problem = _text_of(line) if jsonl else (line.rstrip("\r\n"), None)
        if problem is not None:
            _write(out, {"line": number, "error": problem})
            status = EXIT_BAD_INPUT
            continue
        _write(out, detect(text or "").model_dump(mode="json"))
    return status


def _text_of(line: str) -> tuple[str | None, str | None]:
    """The ``text`` field of one JSON line, or a sentence saying what is wrong with the line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return None, f"not valid JSON: {error.msg} at column {error.colno}"
    except RecursionError:
        return None, "not usable JSON: nested too deeply"
    except ValueError as error:  # e.g. an integer longer than Python's int conversion limit
        return None, f"not usable JSON: {error}"
    if not isinstance(item, dict):
        return None, f'expected a JSON object like {{"text": "..."}}, got {type(item).__name__}'
    if "text" not in item:
        return None, 'missing the "text" field'
    if not isinstance(item["text"], str):
        return None, f'"text" must be a string, got {type(item["text"]).__name__}'
    return item["text"], None


def _write(out: TextIO, payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")
    out.flush()
