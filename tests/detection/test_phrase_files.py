"""Phrase files: the built-in ones are valid, and a broken one is reported with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from spasibo.errors import ConfigError
from spasibo.phrases import (
    PhraseFileError,
    PhrasePack,
    builtin_pack_files,
    builtin_packs,
    load_pack,
    validate_packs,
)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "gratitude" / "xx.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text('intent = "gratitude"\nlanguage = "xx"\n' + body, encoding="utf-8")
    return path


def test_builtin_files_load_and_agree_with_each_other():
    packs = builtin_packs()
    assert {pack.language for pack in packs} >= {"ru", "en", "uk"}
    assert validate_packs(packs) == []


def test_every_builtin_pack_names_its_file():
    assert {pack.source for pack in builtin_packs()} == {str(path) for path in builtin_pack_files()}


def test_a_duplicate_phrase_is_reported_at_its_second_line(tmp_path):
    path = write(tmp_path, 'phrases = [\n  "спасибо",\n  "Спасибо",\n]\n')
    with pytest.raises(PhraseFileError) as error:
        load_pack(path)
    assert f"{path}:5: duplicate entry 'Спасибо' in phrases" in str(error.value)


def test_an_empty_entry_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, 'phrases = ["спасибо"]\nreply_cues = [" "]\n')
    with pytest.raises(PhraseFileError, match=rf"{path}:4: empty entry in reply_cues"):
        load_pack(path)


def test_a_phrase_that_is_also_a_veto_cue_is_reported(tmp_path):
    body = 'phrases = ["ну спасибо"]\n\n[[vetoes]]\nfamily = "sarcasm"\nposition = "before"\n'
    body += 'cues = ["ну спасибо"]\n'
    path = write(tmp_path, body)
    with pytest.raises(PhraseFileError, match=rf"{path}:3: phrase 'ну спасибо' is also a sarcasm veto cue"):
        load_pack(path)


def test_a_phrase_that_is_also_a_lookalike_is_reported(tmp_path):
    path = write(tmp_path, 'phrases = ["мерси"]\nlookalikes = ["мерси"]\n')
    with pytest.raises(PhraseFileError, match="phrase 'мерси' is also a lookalike"):
        load_pack(path)


def test_an_unknown_key_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, 'phrases = ["спасибо"]\nphrasses = ["x"]\n')
    with pytest.raises(PhraseFileError, match=rf"{path}:4: phrasses: Extra inputs are not permitted"):
        load_pack(path)


def test_broken_toml_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, 'phrases = ["спасибо"\n')
    with pytest.raises(PhraseFileError, match=rf"{path}:\d+: not valid TOML"):
        load_pack(path)


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_pack(tmp_path / "nope.toml")


def test_one_phrase_in_two_intents_is_reported():
    gratitude = PhrasePack(intent="gratitude", language="ru", source="a", phrases=("ок спасибо",))
    confirmation = PhrasePack(intent="confirmation", language="ru", source="b", phrases=("ок спасибо",))
    problems = validate_packs([gratitude, confirmation])
    assert [str(problem) for problem in problems] == [
        "b: phrase 'ок спасибо' (confirmation) is also in a (gratitude)"
    ]


def test_a_phrase_another_pack_calls_a_lookalike_is_reported():
    ours = PhrasePack(intent="gratitude", language="xx", source="plugin", phrases=("благодаря",))
    problems = validate_packs([*builtin_packs(), ours])
    assert any(problem.source == "plugin" and "lookalike" in problem.message for problem in problems)


NEGATION_RULE = {
    "id": "xx.negated",
    "family": "negation",
    "position": "before",
    "window": 1,
    "cues": ("даже",),
}


def test_a_phrase_its_packs_own_rules_would_veto_on_its_own_is_reported():
    pack = PhrasePack(
        intent="gratitude", language="xx", phrases=("спасибо", "даже спасибо"), vetoes=(NEGATION_RULE,)
    )
    problems = [problem.message for problem in validate_packs([pack])]
    assert problems == ["phrase 'даже спасибо' on its own would be vetoed by its pack's rule 'xx.negated'"]


def test_a_soft_rule_vetoes_nothing_so_its_cues_may_open_a_phrase():
    soft = {**NEGATION_RULE, "hard": False}
    pack = PhrasePack(intent="gratitude", language="xx", phrases=("спасибо", "даже спасибо"), vetoes=(soft,))
    assert validate_packs([pack]) == []


def test_two_rules_with_one_id_are_reported():
    pack = PhrasePack(intent="gratitude", language="xx", phrases=("спасибо",), vetoes=(NEGATION_RULE,) * 2)
    assert [p.message for p in validate_packs([pack])] == [
        "rule id 'xx.negated' is used by more than one rule"
    ]
