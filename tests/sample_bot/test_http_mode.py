"""The http platform, both ways: the service's webhook feeds the bot, the bot reacts through ``/reaction``.

The whole loop runs on real processes and sockets: customer message (the fake-only inject endpoint) →
``spasibo serve --fake-whatsapp`` → signed webhook → ``python -m sample_bot --platform http`` → ``/reaction``
→ the fake WhatsApp client, whose sent reactions the service lists at ``/fake/reactions``.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from spasibo.manager import DISABLE_AUTOLOAD_ENV
from spasibo.testing.service import ServeProcess, free_port, start_serve, stop_serve

pytestmark = pytest.mark.slow  # two real processes

ROOT = Path(__file__).resolve().parents[2]
KEY = "loop-test-key"
SECRET = "loop-test-secret"
CUSTOMER = "79001234567@s.whatsapp.net"


@dataclass
class Bot:
    process: subprocess.Popen[str]
    lines: queue.Queue[str]

    def wait_for(self, text: str, timeout_s: float = 20.0) -> list[str]:
        """The bot's output lines up to and including the first one containing ``text``."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return seen
        raise AssertionError(f"the bot never printed {text!r}; it printed {seen}")


@pytest.fixture
def loop() -> Iterator[tuple[ServeProcess, Bot]]:
    bot_port = free_port()
    served = start_serve(
        KEY,
        {
            "SPASIBO_WEBHOOK_URL": f"http://127.0.0.1:{bot_port}/webhook",
            "SPASIBO_WEBHOOK_SECRET": SECRET,
            "SPASIBO_WEBHOOK_BACKOFF_MAX_S": "0.5",
        },
    )
    env = {
        **os.environ,
        DISABLE_AUTOLOAD_ENV: "1",
        "PYTHONIOENCODING": "utf-8",
        "SPASIBO_SERVICE_URL": served.url,
        "SPASIBO_API_KEY": KEY,
        "SPASIBO_WEBHOOK_SECRET": SECRET,
    }
    config = ROOT / "sample_bot" / "spasibo.toml"
    process = subprocess.Popen(
        [sys.executable, "-m", "sample_bot", "--platform", "http", "--config", str(config)],
        cwd=ROOT,
        env={**env, "SPASIBO_BOT_PORT": str(bot_port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in stdout], daemon=True).start()
    bot = Bot(process, lines)
    try:
        bot.wait_for("receiving webhooks at")
        yield served, bot
    finally:
        process.terminate()
        process.wait(timeout=10)
        stop_serve(served)


def inject(served: ServeProcess, text: str, message_id: str) -> None:
    answer = httpx.post(
        f"{served.url}/fake/messages",
        json={"text": text, "chat": CUSTOMER, "messageId": message_id},
        headers={"X-API-Key": KEY},
        timeout=5.0,
    )
    assert answer.status_code == 200, answer.text


def test_a_customer_thanks_reaches_the_bot_and_its_heart_reaches_whatsapp(loop) -> None:
    served, bot = loop
    inject(served, "Спасибо большое!", "3ALOOP01")
    printed = bot.wait_for("no reply needed")
    assert any("reacted ❤️ (gratitude" in line for line in printed)
    sent = httpx.get(f"{served.url}/fake/reactions", headers={"X-API-Key": KEY}, timeout=5.0).json()
    assert sent["reactions"] == [{"chat": CUSTOMER, "messageId": "3ALOOP01", "emoji": "❤️", "fromMe": False}]


def test_a_question_reaches_the_bot_which_answers_and_reacts_to_nothing(loop) -> None:
    served, bot = loop
    inject(served, "Здравствуйте! Можно записаться на стрижку в субботу?", "3ALOOP02")
    printed = bot.wait_for("bot replies:")
    assert any("no reaction" in line for line in printed)
    sent = httpx.get(f"{served.url}/fake/reactions", headers={"X-API-Key": KEY}, timeout=5.0).json()
    assert sent["reactions"] == []


def readme_loop_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```sh loop\n") + len("```sh loop\n")
    return text[start : text.index("```", start)]


def test_the_readme_loop_example_runs_and_the_heart_arrives() -> None:
    script = readme_loop_block().replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SPASIBO_")},
        DISABLE_AUTOLOAD_ENV: "1",
        "PYTHONIOENCODING": "utf-8",
        "SERVICE_PORT": str(free_port()),
        "BOT_PORT": str(free_port()),
    }
    finished = subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=90,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "reacted ❤️ (gratitude" in finished.stdout
    assert '"messageId":"3A01","emoji":"❤️"' in finished.stdout
