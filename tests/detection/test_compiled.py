"""The compiled build (``make compiled``: the opt-in compiled wheel, its detection modules mypyc C extensions,
installed into build/compiled) gives the pure-Python code's verdicts. ``make test`` runs tests/detection a
second time with that folder first on the path and ``SPASIBO_COMPILED_DIR`` naming it; the tests marked
``compiled_only`` run only then."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

COMPILED_DIR = os.environ.get("SPASIBO_COMPILED_DIR")
REPO = Path(__file__).resolve().parents[2]
compiled_only = pytest.mark.skipif(
    not COMPILED_DIR,
    reason="run by `make test` after the suite, on the compiled build (SPASIBO_COMPILED_DIR)",
)


def _modules_the_wheel_compiles() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    hook = project["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    return {Path(pattern).stem for pattern in hook["include"]}


def test_no_compiled_extension_beside_the_sources():
    """The wheel's mypyc hook compiles beside the sources; ``make compiled`` has hatchling remove what it
    built there once it is in the wheel. One left behind would be imported instead of its source by the
    editable install that the pure-Python pass tests."""
    assert sorted((REPO / "plugin").rglob("*.so")) + sorted((REPO / "plugin").rglob("*.pyd")) == []


@compiled_only
def test_the_compiled_build_is_the_compiled_wheel_installed():
    [wheel_file] = Path(COMPILED_DIR or "").glob("spasibo-*.dist-info/WHEEL")
    metadata = wheel_file.read_text(encoding="utf-8")
    assert "Root-Is-Purelib: false" in metadata
    assert f"Tag: cp{sys.version_info.major}{sys.version_info.minor}-" in metadata, metadata


@compiled_only
def test_every_compiled_module_is_the_one_imported():
    folder = Path(COMPILED_DIR or "") / "spasibo" / "detection"
    extensions = sorted(folder.glob("*.so"))
    names = {path.name.split(".")[0] for path in extensions}
    assert names == _modules_the_wheel_compiles()
    assert "candidate" not in names  # its dataclasses are built with object.__new__: it must stay Python
    for name in names:
        module = importlib.import_module(f"spasibo.detection.{name}")
        assert Path(module.__file__ or "").parent == folder, name
        assert (module.__file__ or "").endswith(".so"), name


@compiled_only
def test_verdicts_are_the_pure_python_codes(tmp_path):
    snapshot = tmp_path / "verdicts.jsonl"
    script = REPO / "benchmarks" / "verdict_snapshot.py"

    def run(mode: str, package_dir: Path) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_dir), str(script.parent)])}
        return subprocess.run(
            [sys.executable, str(script), mode, str(snapshot)], env=env, capture_output=True, text=True
        )

    saved = run("save", REPO / "plugin")
    assert saved.returncode == 0, saved.stderr
    compared = run("compare", Path(COMPILED_DIR or ""))
    assert compared.returncode == 0, compared.stdout[-3000:] + compared.stderr[-3000:]
    changed, total = map(int, re.search(r"(\d+) of (\d+) verdicts changed", compared.stdout).groups())
    assert (changed, total > 100_000) == (0, True), compared.stdout
