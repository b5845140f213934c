"""spasibo.toml: defaults that work, and errors naming the key and the expected form."""

from __future__ import annotations

from pathlib import Path

import pytest

from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.settings import DEFAULT_MAX_AGE_S, SpasiboSettings, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spasibo.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_empty_file_means_one_heart_rule_for_gratitude(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""))
    [rule] = settings.rules
    assert (rule.intent, rule.react, rule.skip_own_messages, rule.max_age_s, rule.reply) == (
        "gratitude",
        "❤️",
        True,
        DEFAULT_MAX_AGE_S,
        True,
    )


def test_full_file_is_read(tmp_path: Path) -> None:
    settings = load_settings(
        write(
            tmp_path,
            """
languages = ["ru", "en"]

[[rules]]
intent = "gratitude"
react = "❤️"
min_score = 80
skip_groups = true
cooldown_s = 60
reply = false

[[rules]]
intent = "confirmation"
react = "👍"
transport = "telegram"

[transports.console]
stream = "stderr"
""",
        )
    )
    assert settings.languages == ["ru", "en"]
    assert [(rule.intent, rule.react) for rule in settings.rules] == [
        ("gratitude", "❤️"),
        ("confirmation", "👍"),
    ]
    assert settings.rules[0].cooldown_s == 60
    assert settings.transports == {"console": {"stream": "stderr"}}


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[[rules]]\nreact = "❤️\n')
    with pytest.raises(ConfigError, match=rf"{path}: not valid TOML: .*line 2"):
        load_settings(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "absent.toml")


def test_word_instead_of_emoji_names_the_rule_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[[rules]]\nreact = "heart"\n')
    with pytest.raises(
        ConfigError, match=r"rules\[0\]\.react: .*expected exactly one emoji such as .*'heart'"
    ):
        load_settings(path)


def test_empty_react_is_not_a_reaction(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.react: .*got ''"):
        load_settings(write(tmp_path, '[[rules]]\nreact = ""\n'))


def test_two_emoji_are_not_one_reaction(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"rules\[1\]\.react"):
        load_settings(write(tmp_path, '[[rules]]\n[[rules]]\nreact = "❤️👍"\n'))


def test_misspelt_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.cooldown: unknown key"):
        load_settings(write(tmp_path, "[[rules]]\ncooldown = 60\n"))


def test_score_above_100_names_the_key_and_the_bound(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"rules\[0\]\.min_score: Input should be less than or equal to 100"
    ):
        load_settings(write(tmp_path, "[[rules]]\nmin_score = 120\n"))


def test_wrong_type_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.skip_groups: .*'sometimes'"):
        load_settings(write(tmp_path, '[[rules]]\nskip_groups = "sometimes"\n'))


def test_language_code_form_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"languages\[0\]: String should match pattern"):
        load_settings(write(tmp_path, 'languages = ["Russian"]\n'))


def test_every_invalid_key_is_listed_at_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, '[[rules]]\nreact = "x"\nmax_age_s = -1\n'))
    assert "rules[0].react" in str(error.value)
    assert "rules[0].max_age_s" in str(error.value)


def test_from_toml_builds_the_app(tmp_path: Path) -> None:
    app = Spasibo.from_toml(write(tmp_path, '[[rules]]\nreact = "👍"\n'))
    assert app.settings.rules[0].react == "👍"


def test_language_without_a_phrase_pack_is_named_with_the_covered_ones(monkeypatch) -> None:
    monkeypatch.setenv("SPASIBO_DISABLE_PLUGIN_AUTOLOAD", "1")
    with pytest.raises(
        ConfigError, match=r"languages\[1\]: no phrase pack for 'xh'; installed packs cover .*en.*ru"
    ):
        Spasibo(SpasiboSettings(languages=["ru", "xh"]))


def test_languages_limit_the_packs_used() -> None:
    app = Spasibo(SpasiboSettings(languages=["en"]))
    assert {pack.language for pack in app.packs} == {"en"}


def test_settings_are_immutable() -> None:
    with pytest.raises(ValueError, match="frozen"):
        SpasiboSettings().reaction_timeout_s = 1  # type: ignore[misc]


def test_a_bad_reaction_shows_the_value_once(tmp_path) -> None:
    path = tmp_path / "spasibo.toml"
    path.write_text('[[rules]]\nreact = "heart"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == (
        f'{path}: rules[0].react: Value error, expected exactly one emoji such as "❤️" or "👍", got \'heart\''
    )
