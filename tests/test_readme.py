"""Every code example in README.md works and shows what it claims: each ```python block runs and, when a
```text block follows it, prints exactly that; each ```python no-run block (one that needs a phone or a live
bot) at least compiles and imports what it names; and each ```toml block is valid ``SpasiboSettings``."""

from __future__ import annotations

import ast
import importlib
import tomllib

import pytest

from docblocks import ROOT, blocks, printed_output
from spasibo.settings import settings_from_mapping


def _block_id(value: object) -> str:
    return f"README.md:{value}" if isinstance(value, int) else ""


@pytest.mark.parametrize(("line", "code"), blocks("python"), ids=_block_id)
def test_readme_python_block_runs_and_prints_what_the_readme_shows(
    line: int, code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)  # examples name files relative to the repository root
    exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "readme"})
    expected = printed_output(line)
    printed = capsys.readouterr().out
    if expected is None:
        assert "print(" not in code, f"README.md:{line} prints, but no ```text block shows what"
    else:
        assert printed == expected


@pytest.mark.parametrize(("line", "code"), blocks("python", runnable=False), ids=_block_id)
def test_readme_no_run_block_compiles_and_its_imports_exist(line: int, code: str) -> None:
    tree = compile(code, f"README.md:{line}", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"README.md:{line}: {node.module} has no {alias.name}"


@pytest.mark.parametrize(("line", "code"), blocks("toml"), ids=_block_id)
def test_readme_toml_block_is_valid_settings(line: int, code: str) -> None:
    settings_from_mapping(tomllib.loads(code), source=f"README.md:{line}")


def test_readme_has_python_and_toml_examples() -> None:
    assert blocks("python")
    assert blocks("toml")
