"""The console script, run as a real process: detect, detect --jsonl, eval, phrases check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def spasibo(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spasibo", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_detect_prints_one_json_object_per_text():
    result = spasibo("detect", "Спасибо большое!", "спасибо за испорченный вечер")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [(line["gratitude"], line["closing"], line["reason"]) for line in lines] == [
        (True, True, None),
        (False, False, "judge"),
    ]
    assert set(lines[0]) >= {"gratitude", "closing", "score", "match", "span", "language", "reason"}


def test_detect_jsonl_answers_each_line_in_order():
    stdin = '{"text": "спс"}\n{"text": "Адрес какой?"}\n{"text": "🙏"}\n'
    result = spasibo("detect", "--jsonl", stdin=stdin)
    assert result.returncode == 0
    assert [json.loads(line)["gratitude"] for line in result.stdout.splitlines()] == [True, False, True]


def test_detect_jsonl_reports_a_bad_line_and_goes_on():
    stdin = '{"text": "спасибо"}\nnot json\n{"txt": 1}\n{"text": 5}\n{"text": "thx"}\n'
    result = spasibo("detect", "--jsonl", stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [line.get("line") for line in lines] == [None, 2, 3, 4, None]
    assert "not valid JSON" in lines[1]["error"]
    assert 'missing the "text" field' in lines[2]["error"]
    assert '"text" must be a string' in lines[3]["error"]
    assert lines[4]["gratitude"] is True


def test_eval_prints_the_scores_and_the_errors(tmp_path: Path):
    corpus = tmp_path / "tiny.tsv"
    corpus.write_text(
        "text\tthanks\tclosing\tcategory\nспасибо\t1\t1\tpure_ru\nАдрес?\t1\t0\tneutral\n", encoding="utf-8"
    )
    result = spasibo("eval", str(corpus), "--errors")
    assert result.returncode == 0
    assert "precision          1.000" in result.stdout
    assert "recall             0.500" in result.stdout
    assert "pure_ru" in result.stdout
    assert f"{corpus}:3 [neutral]" in result.stdout


def test_eval_names_the_line_of_a_malformed_row(tmp_path: Path):
    corpus = tmp_path / "bad.tsv"
    corpus.write_text("text\tthanks\tclosing\tcategory\nспасибо\t1\tpure_ru\n", encoding="utf-8")
    result = spasibo("eval", str(corpus))
    assert result.returncode == 2
    assert f"{corpus}:2: expected 4 tab-separated columns" in result.stderr


def test_phrases_check_passes_on_the_builtin_files():
    result = spasibo("phrases", "check")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_phrases_check_fails_naming_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('intent = "gratitude"\nlanguage = "xx"\nphrases = ["ура", "ура"]\n', encoding="utf-8")
    result = spasibo("phrases", "check", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: duplicate entry 'ура' in phrases" in result.stderr


def test_explain_names_the_phrase_the_rules_and_what_pushed_the_judge():
    result = spasibo("detect", "--explain", "ну спасибо, опять перенесли")
    assert result.returncode == 0
    out = result.stdout
    assert "'спасибо' [3:10]" in out
    assert "rules: ru.grumble (soft)" in out
    assert "judge linear: gratitude" in out
    assert "pushing gratitude: " in out
    assert "b:ну <T>" in out
    why = next(line for line in out.splitlines() if "if not thanks, why:" in line)
    assert [part.split()[0] for part in why.split("why:")[1].split(",")] == ["sarcasm", "negated", "other"]


def test_explain_says_when_a_hard_rule_decided_without_the_judge():
    out = spasibo("detect", "--explain", "даже спасибо не сказали").stdout
    assert "rule=ru.negated" in out
    assert "ru.negated (hard)" in out
    assert "judge: not asked" in out
