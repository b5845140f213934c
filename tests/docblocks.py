"""Code blocks of a Markdown document, and what a python block says it prints (a ```text block after it)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_BLOCK_RE = re.compile(r"^```(python|toml)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# a ```text block after a python block, with at most one paragraph of prose between: what the example prints
_OUTPUT_RE = re.compile(r"\n\n(?:(?:[^`\n][^\n]*\n)+\n)?```text\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(language: str, *, runnable: bool = True, document: Path = README) -> list[tuple[int, str]]:
    """(line number, code) of each block fenced ```<language>: the runnable ones, or those marked no-run."""
    text = document.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK_RE.finditer(text):
        if match.group(1) == language and ("no-run" not in match.group(2)) == runnable:
            found.append((text.count("\n", 0, match.start()) + 1, match.group(3)))
    return found


def printed_output(line: int, document: Path = README) -> str | None:
    """The ```text block that follows the python block starting at ``line``, if any."""
    text = document.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = sum(len(part) for part in lines[: line - 1])
    end = text.index("\n```", start + 3) + len("\n```")
    match = _OUTPUT_RE.match(text[end:])
    return match.group(1) if match else None
