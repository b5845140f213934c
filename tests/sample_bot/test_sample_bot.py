"""The sample bot, run as a user runs it: ``python -m sample_bot`` from the repository root."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spasibo.manager import DISABLE_AUTOLOAD_ENV

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = ROOT / "sample_bot" / "conversation.txt"
SERVICE_KEY = "sample-bot-test-key"
UNREACHABLE_URL = "http://127.0.0.1:9"  # the discard port: nothing listens there


def run_bot(
    *args: str, stdin: str = "", autoload: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    unset = (
        "SPASIBO_TELEGRAM_TOKEN",
        "SPASIBO_TELEGRAM_API_BASE",
        "SPASIBO_SERVICE_URL",
        "SPASIBO_API_KEY",
        "SPASIBO_WEBHOOK_SECRET",
    )
    env = {
        **{key: value for key, value in os.environ.items() if key not in unset},
        DISABLE_AUTOLOAD_ENV: "0" if autoload else "1",
        "PYTHONIOENCODING": "utf-8",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "sample_bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def blocks(output: str) -> dict[str, str]:
    """The bot's output per echoed customer line ("> text")."""
    result: dict[str, str] = {}
    current = None
    for line in output.splitlines():
        if line.startswith("> "):
            current = line[2:]
            result[current] = ""
        elif current is not None:
            result[current] += line + "\n"
    return result


@pytest.fixture(scope="module")
def conversation_output() -> dict[str, str]:
    finished = run_bot(stdin=CONVERSATION.read_text(encoding="utf-8"))
    assert finished.returncode == 0, finished.stderr
    return blocks(finished.stdout)


def test_every_customer_line_is_answered(conversation_output: dict[str, str]) -> None:
    lines = [
        line
        for line in CONVERSATION.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert list(conversation_output) == lines
    assert all("· " in block for block in conversation_output.values())


def test_thanks_gets_a_heart_and_no_text_reply(conversation_output: dict[str, str]) -> None:
    block = conversation_output["Спасибо большое!"]
    assert "❤️  reaction on message" in block
    assert "reacted ❤️ (gratitude" in block
    assert "no reply needed" in block


def test_thanks_with_a_question_gets_a_heart_and_an_answer(conversation_output: dict[str, str]) -> None:
    block = conversation_output["спс, а можно на 15:00?"]
    assert "reacted ❤️" in block
    assert "bot replies:" in block


def test_confirmation_needs_the_example_pack(conversation_output: dict[str, str]) -> None:
    assert "no reaction (not_detected)" in conversation_output["ок, договорились"]


def test_second_thanks_within_the_configured_cooldown_gets_no_heart(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("[[rules]]\ncooldown_s = 60\nreply = false\n", encoding="utf-8")
    finished = run_bot("--config", str(config), stdin="Спасибо большое!\nСпасибо!\n")
    output = blocks(finished.stdout)
    assert "reacted ❤️" in output["Спасибо большое!"]
    assert "no reaction (cooldown)" in output["Спасибо!"]
    assert "no reply needed" in output["Спасибо!"]


def test_sarcasm_gets_no_heart_and_the_canned_answer(conversation_output: dict[str, str]) -> None:
    block = conversation_output["спасибо за испорченный вечер"]
    assert "no reaction (not_detected" in block
    assert "bot replies: Спасибо за сообщение!" in block


def test_a_question_needs_an_answer(conversation_output: dict[str, str]) -> None:
    assert "bot replies:" in conversation_output["Здравствуйте! Можно записаться на стрижку в субботу?"]


def test_a_street_name_is_not_thanks(conversation_output: dict[str, str]) -> None:
    assert "no reaction (not_detected" in conversation_output["Я на Спасской улице"]


@pytest.mark.usefixtures("example_plugins")
def test_confirmation_gets_a_thumb_when_the_example_pack_is_installed() -> None:
    finished = run_bot(stdin="ок, договорились\n", autoload=True)
    assert "👍  reaction on message 1" in finished.stdout, finished.stderr


@pytest.mark.usefixtures("example_plugins")
def test_bundled_audit_log_plugin_with_an_unwritable_path_does_not_end_the_bot(tmp_path: Path) -> None:
    audit_log = tmp_path / "missing-dir" / "audit.jsonl"
    finished = run_bot(
        stdin=CONVERSATION.read_text(encoding="utf-8"),
        autoload=True,
        env={"SPASIBO_AUDIT_LOG": str(audit_log)},
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.count("❤️  reaction on message") == 3  # every thanks of the conversation
    assert finished.stderr.count("plugin 'audit-log' raised FileNotFoundError") == 1
    assert "Traceback" not in finished.stderr


@pytest.mark.parametrize(
    ("args", "env", "explained"),
    [
        (["--platform", "telegram"], {}, "SPASIBO_TELEGRAM_TOKEN is not set"),
        (
            ["--platform", "telegram"],
            {"SPASIBO_TELEGRAM_TOKEN": "not-a-token"},
            "SPASIBO_TELEGRAM_TOKEN: expected a token like",
        ),
        (
            ["--platform", "telegram"],
            {"SPASIBO_TELEGRAM_TOKEN": "123456:TEST-TOKEN", "SPASIBO_TELEGRAM_API_BASE": UNREACHABLE_URL},
            f"cannot reach the Telegram Bot API at {UNREACHABLE_URL}",
        ),
        (["--platform", "http"], {"SPASIBO_WEBHOOK_SECRET": "s"}, "SPASIBO_SERVICE_URL is not set"),
        (
            ["--platform", "http"],
            {"SPASIBO_SERVICE_URL": UNREACHABLE_URL},
            "SPASIBO_WEBHOOK_SECRET is not set",
        ),
        (
            ["--platform", "http"],
            {"SPASIBO_SERVICE_URL": UNREACHABLE_URL, "SPASIBO_WEBHOOK_SECRET": "s"},
            f"cannot reach the reaction service at {UNREACHABLE_URL}: start it with `spasibo serve`",
        ),
    ],
    ids=[
        "no-token",
        "bad-token",
        "telegram-unreachable",
        "no-service-url",
        "no-webhook-secret",
        "service-unreachable",
    ],
)
def test_missing_credentials_are_one_line_saying_what_to_set(
    args: list[str], env: dict[str, str], explained: str
) -> None:
    finished = run_bot(*args, env=env)
    assert finished.returncode == 2
    assert finished.stderr.count("\n") == 1, finished.stderr
    assert explained in finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ('[bot]\nplatfrom = "console"\n', "bot.platfrom: unknown key"),
        ('[[rules]]\nreact = "love"\n', "rules[0].react"),
    ],
    ids=["bot-table", "rules"],
)
def test_bad_config_is_one_message_naming_the_key(tmp_path: Path, config: str, named: str) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(config, encoding="utf-8")
    finished = run_bot("--config", str(path))
    assert finished.returncode == 2
    assert named in finished.stderr
    assert "Traceback" not in finished.stderr


async def test_on_a_terminal_it_prompts_for_each_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))  # the bot is run from the repository root, not installed
    from sample_bot.config import BotSettings
    from sample_bot.platforms import console

    from spasibo.app import Spasibo

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    typed = iter(["Спасибо большое!"])
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    out = io.StringIO()
    await console.run(Spasibo(), BotSettings(), stdin=Terminal(), stdout=out)
    assert prompts == [console.PROMPT, console.PROMPT]
    assert "reacted ❤️" in out.getvalue()


def test_make_run_behaves_the_same_after_make_test_installed_the_example_plugins() -> None:
    recipe = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    command = recipe.splitlines()[-1]
    assert "python -m sample_bot" in command
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SPASIBO_", "PYTHONPATH"))}
    made = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    assert made.returncode == 0, made.stderr
    assert blocks(made.stdout)["ок, договорились"] == (
        "  · no reaction (not_detected)\n"
        "  · bot replies: Спасибо за сообщение! Менеджер ответит вам в течение часа.\n"
    )
