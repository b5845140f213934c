"""Every ```python block of README.md runs (blocks fenced ```python no-run are examples only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK_RE = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in _BLOCK_RE.finditer(text):
        if "no-run" in match.group(1):
            continue
        blocks.append((text.count("\n", 0, match.start()) + 1, match.group(2)))
    return blocks


@pytest.mark.parametrize(
    ("line", "code"),
    python_blocks(),
    ids=lambda value: f"README.md:{value}" if isinstance(value, int) else "",
)
def test_readme_python_block_runs(line, code):
    exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "readme"})
