"""The compiled build (``make compiled``: the detector's hot modules as mypyc C extensions in build/compiled)
gives the pure-Python code's verdicts. ``make test`` runs tests/detection a second time with that folder first
on the path and ``SPASIBO_COMPILED_DIR`` naming it; these tests run only then."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

COMPILED_DIR = os.environ.get("SPASIBO_COMPILED_DIR")
REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not COMPILED_DIR,
    reason="run by `make test` after the suite, on the compiled build (SPASIBO_COMPILED_DIR)",
)


def test_every_compiled_module_is_the_one_imported():
    folder = Path(COMPILED_DIR or "") / "spasibo" / "detection"
    extensions = sorted(folder.glob("*.so"))
    names = {path.name.split(".")[0] for path in extensions}
    assert {"detector", "features", "linear_judge", "matcher", "normalize"} <= names
    for name in names:
        module = importlib.import_module(f"spasibo.detection.{name}")
        assert Path(module.__file__ or "").parent == folder, name
        assert (module.__file__ or "").endswith(".so"), name


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
