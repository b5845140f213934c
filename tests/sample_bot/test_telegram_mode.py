"""``python -m sample_bot --platform telegram`` as a user runs it, against a fake Bot API on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from spasibo.manager import DISABLE_AUTOLOAD_ENV
from spasibo.testing.telegram import FakeBotAPI, SentMessage

ROOT = Path(__file__).resolve().parents[2]
THANKS = "Спасибо большое!"
QUESTION = "Здравствуйте! Можно записаться на стрижку в субботу?"
ANSWER = "Спасибо за сообщение! Менеджер ответит вам в течение часа."
DELIVERY_TIMEOUT_S = 30.0  # includes the subprocess importing aiogram on a busy machine
POLL_INTERVAL_S = 0.1
EXIT_TIMEOUT_S = 15.0


async def wait_for_sent(api: FakeBotAPI, count: int) -> list[SentMessage]:
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    # the fake server offers no public wait for sent messages; a short sleep keeps the loop idle
    while len(api.sent_messages) < count and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(POLL_INTERVAL_S)
    return api.sent_messages


@pytest.mark.slow  # the subprocess alone takes seconds to import aiogram
async def test_telegram_mode_hearts_the_thanks_answers_the_question_and_stops_cleanly_on_sigterm() -> None:
    async with FakeBotAPI() as api:
        thanks = api.queue_message(THANKS, chat_id=42)
        api.queue_message(QUESTION, chat_id=43)
        env = {
            **os.environ,
            DISABLE_AUTOLOAD_ENV: "1",
            "PYTHONIOENCODING": "utf-8",
            "SPASIBO_TELEGRAM_TOKEN": api.token,
            "SPASIBO_TELEGRAM_API_BASE": api.base_url,
        }
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "sample_bot",
            "--platform",
            "telegram",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            reactions = await api.wait_for_reactions(1, timeout_s=DELIVERY_TIMEOUT_S)
            sent = await wait_for_sent(api, 1)
            await api.wait_until_delivered(timeout_s=DELIVERY_TIMEOUT_S)
            bot.send_signal(signal.SIGTERM)  # what a service manager sends; Ctrl+C is SIGINT
            stdout, stderr = await asyncio.wait_for(bot.communicate(), EXIT_TIMEOUT_S)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()

    assert [(r.chat_id, r.message_id, r.emoji) for r in reactions] == [
        ("42", thanks["message"]["message_id"], ["❤"])
    ]
    assert sent == [SentMessage(chat_id="43", text=ANSWER)]
    assert bot.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert "reacting ❤️" in stdout.decode()  # the answer did not wait for the reaction
