"""The console script's own behaviour, whatever the sub-command: help, usage errors, a closed pipe."""

from __future__ import annotations

import subprocess
import sys


def spasibo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spasibo", *args], capture_output=True, text=True, timeout=60
    )


def test_subcommand_help_lists_that_subcommands_options():
    result = spasibo("eval", "--help")
    assert result.returncode == 0
    assert "--errors" in result.stdout


def test_no_subcommand_is_a_usage_error_naming_the_commands():
    result = spasibo()
    assert result.returncode == 2
    assert "detect" in result.stderr
    assert "serve" in result.stderr


def test_a_reader_that_goes_away_early_gets_no_traceback():
    texts = ["Спасибо!"] * 2000  # far more output than a pipe buffer holds
    with subprocess.Popen(
        [sys.executable, "-m", "spasibo", "detect", *texts],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # like `| head -1`
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert "Traceback" not in stderr


def test_version_prints_the_package_version():
    from spasibo import __version__

    result = spasibo("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"spasibo {__version__}"


def test_eval_on_an_empty_corpus_is_an_error_not_a_perfect_score(tmp_path):
    corpus = tmp_path / "empty.tsv"
    corpus.write_text("", encoding="utf-8")
    result = spasibo("eval", str(corpus))
    assert result.returncode == 2
    assert result.stderr == f"spasibo eval: {corpus}: no labelled lines to score\n"
    assert "1.000" not in result.stdout
