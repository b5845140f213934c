"""``python -m training.compare``: a candidate judge against the shipped one, paired line by line, with a
bootstrap interval for each change."""

from __future__ import annotations

import numpy as np
from training import compare
from training.compare import Judged


def judged(thanks: list[int], baseline: list[int], candidate: list[int]) -> Judged:
    said = (np.array(baseline, dtype=bool), np.array(candidate, dtype=bool))
    return Judged(np.array(thanks, dtype=bool), np.array(thanks, dtype=bool), said, said)


def test_a_file_is_of_the_kind_its_name_says():
    assert compare.kind_of("f1_day.tsv") == "day"
    assert compare.kind_of("f11_pairs.tsv") == "pairs"
    assert compare.kind_of("goemo.tsv") == "goemo"


def test_the_same_verdicts_change_nothing():
    files = {"f1_day.tsv": judged([1, 0] * 50, [1, 1] * 50, [1, 1] * 50)}
    result = compare.compare(files, draws=200)
    assert set(result) == {"day", "all"}
    for change in result["all"].values():
        assert (change.low, change.high, change.verdict) == (0.0, 0.0, "same")


def test_hearts_taken_off_many_complaints_are_a_gain_and_a_few_lines_are_noise():
    thanks = [1] * 100 + [0] * 100
    many = {"f1_day.tsv": judged(thanks, [1] * 200, [1] * 100 + [0] * 100)}
    assert compare.compare(many, draws=500)["all"]["precision"].verdict == "gain"
    one_line = {"f1_day.tsv": judged(thanks, [1] * 100 + [1] + [0] * 99, [1] * 100 + [0] * 100)}
    change = compare.compare(one_line, draws=500)["all"]["precision"]
    assert change.candidate > change.baseline
    assert change.verdict == "same"


def test_kinds_are_pooled_and_a_drop_in_one_is_reported():
    thanks = [1] * 60 + [0] * 60
    files = {
        "f1_day.tsv": judged(thanks, [1] * 60 + [0] * 60, [1] * 60 + [0] * 60),
        "f2_day.tsv": judged(thanks, [1] * 60 + [0] * 60, [1] * 60 + [1] * 30 + [0] * 30),
        "f3_pairs.tsv": judged(thanks, [1] * 60 + [0] * 60, [1] * 60 + [0] * 60),
    }
    result = compare.compare(files, draws=500)
    assert result["day"]["precision"].verdict == "drop"
    assert result["pairs"]["precision"].verdict == "same"
    assert "| day | precision |" in compare.format_table(result)


def test_a_change_within_the_spread_of_rebuilds_is_neither_a_drop_nor_a_gain():
    """Two builds that differ only in rounding moved pooled figures by up to 0.002 with intervals wholly on
    one side of zero: with that spread such a change is ``same``, beyond it a drop or a gain."""
    within = compare.Change(0.843, 0.841, -0.003, -0.0005, spread=compare.SPREAD)
    assert within.verdict == "same"
    assert compare.Change(0.843, 0.841, -0.003, -0.0005).verdict == "drop"
    assert compare.Change(0.843, 0.838, -0.008, -0.0021, spread=compare.SPREAD).verdict == "drop"
    assert compare.Change(0.843, 0.848, 0.0021, 0.008, spread=compare.SPREAD).verdict == "gain"


def test_the_shipped_judge_against_itself_shows_no_drop(small_day, capsys):
    day = small_day("f1_day.tsv")
    assert compare.main([str(compare.MODEL_FILE), str(day)]) == 0
    assert "drops beyond ±0.002: none" in capsys.readouterr().out


def test_both_judges_are_compared_at_a_rules_min_score(small_day, capsys):
    day = small_day("f1_day.tsv")
    assert compare.main([str(compare.MODEL_FILE), str(day)]) == 0
    assert "| day | precision | 1.000 | 1.000 |" in capsys.readouterr().out
    # the sarcastic "ну спасибо, опять перенесли" scores about 11: at min_score 5 both judges heart it
    assert compare.main([str(compare.MODEL_FILE), str(day), "--min-score", "5"]) == 0
    assert "| day | precision | 0.500 | 0.500 |" in capsys.readouterr().out


def test_a_baseline_is_judged_by_its_own_checkout(small_day, capsys, tmp_path):
    """With ``--baseline-checkout`` the baseline runs on that checkout's code: a checkout whose judge gives
    every candidate the probability 1 hearts the sarcastic line that this checkout's judge does not, so the
    candidate (the same weights here) shows the precision that checkout lost."""
    import shutil
    from pathlib import Path

    root = Path(compare.__file__).resolve().parent.parent
    checkout = tmp_path / "checkout"
    skip = shutil.ignore_patterns("data", "__pycache__")
    shutil.copytree(root / "training", checkout / "training", ignore=skip)
    shutil.copytree(
        root / "plugin" / "spasibo",
        checkout / "plugin" / "spasibo",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    judge = checkout / "plugin" / "spasibo" / "detection" / "linear_judge.py"
    signature = "def probability(self, raw: float) -> float:\n"
    source = judge.read_text(encoding="utf-8")
    assert signature in source
    judge.write_text(source.replace(signature, signature + "        return 1.0\n"), encoding="utf-8")
    day = small_day("f1_day.tsv")
    assert compare.main([str(compare.MODEL_FILE), str(day), "--baseline-checkout", str(checkout)]) == 0
    assert "| day | precision | 0.500 | 1.000 |" in capsys.readouterr().out
