"""docs/plugins.md: one runnable example per hook, each printing exactly what the page shows after it."""

from __future__ import annotations

import re

import pytest

from docblocks import ROOT, blocks, printed_output
from spasibo import hookspecs
from spasibo.manager import BLOCK_PLUGINS_ENV, DISABLE_AUTOLOAD_ENV
from spasibo.phrases import PhrasePack

PLUGINS_DOC = ROOT / "docs" / "plugins.md"
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("spasibo_"))


def _block_id(value: object) -> str:
    return f"plugins.md:{value}" if isinstance(value, int) else ""


@pytest.mark.parametrize(("line", "code"), blocks("python", document=PLUGINS_DOC), ids=_block_id)
def test_hook_example_runs_and_prints_what_the_page_shows(
    line: int, code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")  # only the example's own plugin, whatever is installed
    monkeypatch.delenv(BLOCK_PLUGINS_ENV, raising=False)
    exec(compile(code, f"docs/plugins.md:{line}", "exec"), {"__name__": "plugins_doc"})
    assert capsys.readouterr().out == printed_output(line, PLUGINS_DOC)


def test_every_hook_has_a_section_with_an_example_that_implements_it() -> None:
    text = PLUGINS_DOC.read_text(encoding="utf-8")
    examples = [code for _, code in blocks("python", document=PLUGINS_DOC)]
    for hook in HOOKS:
        assert f"\n## {hook}\n" in text, f"docs/plugins.md has no section for {hook}"
        assert any(f"def {hook}(" in code for code in examples), f"no example implements {hook}"


def test_hooks_readme_lists_exactly_the_keys_a_phrase_file_may_have() -> None:
    text = (ROOT / "hooks" / "README.md").read_text(encoding="utf-8")
    start = text.index("its keys are the fields of")
    listed = set(re.findall(r"`(?:\[\[)?([a-z_]+)(?:\]\])?`", text[start : text.index("):", start)]))
    assert listed == set(PhrasePack.model_fields) - {"source"}
