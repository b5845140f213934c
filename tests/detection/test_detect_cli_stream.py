"""``spasibo detect`` on a stream: stdin lines, one output line per input line, and no input stops it."""

from __future__ import annotations

import json
import subprocess
import sys


def spasibo(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spasibo", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_detect_reads_plain_text_lines_from_stdin():
    result = spasibo("detect", stdin="спасибо\nАдрес какой?\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [line["gratitude"] for line in lines] == [True, False]


def test_detect_jsonl_answers_a_blank_line_with_a_line_of_its_own():
    result = spasibo("detect", "--jsonl", stdin='{"text": "спасибо"}\n\n{"text": "ок"}\n')
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[1] == {"line": 2, "skipped": "blank line"}
    assert lines[0]["gratitude"] is True
    assert result.returncode == 0


def test_detect_jsonl_survives_a_deeply_nested_value_and_goes_on():
    deep = "[" * 100_000 + "]" * 100_000
    stdin = f'{{"text": {deep}}}\n{{"text": "спасибо"}}\n'
    result = spasibo("detect", "--jsonl", stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {"line": 1, "error": "not usable JSON: nested too deeply"}
    assert lines[1]["gratitude"] is True
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_detect_jsonl_survives_a_huge_integer_and_goes_on():
    stdin = '{"text": ' + "9" * 5000 + '}\n{"text": "спасибо"}\n'
    result = spasibo("detect", "--jsonl", stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["line"] == 1
    assert "not usable JSON" in lines[0]["error"]
    assert lines[1]["gratitude"] is True
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_detect_jsonl_gives_every_bad_line_its_own_error_line():
    stdin = "[[[[\n" + '{"text": ' + "1" * 5000 + "}\n" + ("[" * 50_000) + "\n" + '{"text": "thx"}\n'
    result = spasibo("detect", "--jsonl", stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("line") for line in lines[:3]] == [1, 2, 3]
    assert all("error" in line for line in lines[:3])
    assert lines[3]["gratitude"] is True
