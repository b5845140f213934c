"""Every code example in README.md works: ```python blocks run, ```toml blocks are valid settings."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from spasibo.settings import settings_from_mapping

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.DOTALL | re.MULTILINE)


@pytest.mark.parametrize("source", _blocks("python"), ids=lambda source: source.strip().splitlines()[0][:40])
def test_python_example_runs(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples name files relative to the repository root
    exec(compile(source, "README.md", "exec"), {"__name__": "readme_example"})


@pytest.mark.parametrize("source", _blocks("toml"), ids=lambda source: source.strip().splitlines()[0][:40])
def test_toml_example_is_valid_settings(source: str) -> None:
    settings_from_mapping(tomllib.loads(source), source="README.md")


def test_readme_has_examples() -> None:
    assert _blocks("python")
    assert _blocks("toml")
