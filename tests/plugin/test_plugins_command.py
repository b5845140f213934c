"""``spasibo plugins``: what is loaded, from which distribution and version, with the hooks of each."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys

import pytest

from spasibo import __version__


def spasibo_plugins(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("SPASIBO_")}
    return subprocess.run(
        [sys.executable, "-m", "spasibo", "plugins", *args],
        capture_output=True,
        text=True,
        env={**environ, **env},
        timeout=60,
    )


@pytest.mark.usefixtures("example_plugins")
def test_lists_builtin_and_installed_plugins_with_versions_and_hooks() -> None:
    result = spasibo_plugins("--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["spasibo.detector"] == {
        "name": "spasibo.detector",
        "source": "built-in",
        "version": __version__,
        "hooks": ["spasibo_detect", "spasibo_judge"],
        "status": "loaded",
    }
    assert rows["audit-log"]["source"] == "spasibo-audit-log"
    assert rows["audit-log"]["version"] == "0.1.0"
    assert rows["audit-log"]["hooks"] == ["spasibo_reaction_failed", "spasibo_reaction_sent"]


@pytest.mark.usefixtures("example_plugins")
def test_table_shows_one_line_per_plugin_and_the_blocked_ones() -> None:
    result = spasibo_plugins(SPASIBO_BLOCK_PLUGINS="confirmation")
    lines = result.stdout.splitlines()
    assert any(line.startswith("audit-log ") and "spasibo-audit-log 0.1.0" in line for line in lines)
    [blocked] = [line for line in lines if line.startswith("confirmation ")]
    assert blocked.endswith("blocked by SPASIBO_BLOCK_PLUGINS")


def test_without_installed_plugins_only_the_builtins_are_listed() -> None:
    result = spasibo_plugins("--json", SPASIBO_DISABLE_PLUGIN_AUTOLOAD="1")
    assert {row["source"] for row in json.loads(result.stdout)} == {"built-in"}


def test_a_plugin_that_failed_to_load_is_listed_with_the_reason_and_exit_code_1(monkeypatch, capsys) -> None:
    from spasibo.cli import main

    class Distribution:
        metadata = {"Name": "spasibo-sms"}  # noqa: RUF012 - read-only stand-in
        version = "1.2.0"
        entry_points = [importlib.metadata.EntryPoint("sms", "spasibo_sms_not_installed", "spasibo")]  # noqa: RUF012

    monkeypatch.delenv("SPASIBO_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: [Distribution()])
    assert main(["plugins"]) == 1
    [failed] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("sms ")]
    assert "spasibo-sms 1.2.0" in failed
    assert failed.endswith("FAILED to load: ModuleNotFoundError: No module named 'spasibo_sms_not_installed'")
