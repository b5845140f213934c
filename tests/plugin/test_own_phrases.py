"""``phrases = [...]`` in spasibo.toml: a bot's own phrase list without writing a plugin package."""

from __future__ import annotations

from pathlib import Path

import pytest

from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.models import IncomingMessage
from spasibo.testing.app import FakeClock, RecordingTransport

OWN_PACK = """intent = "booking"
language = "ru"
phrases = ["хочу записаться", "запишите меня"]
"""


def write_config(directory: Path, pack: str) -> Path:
    (directory / "packs").mkdir()
    (directory / "packs" / "booking.toml").write_text(pack, encoding="utf-8")
    config = directory / "spasibo.toml"
    config.write_text(
        'phrases = ["packs/booking.toml"]\n\n[[rules]]\nintent = "booking"\nreact = "👌"\n', encoding="utf-8"
    )
    return config


async def test_own_phrase_file_next_to_the_config_adds_its_intent(tmp_path: Path, monkeypatch) -> None:
    config = write_config(tmp_path, OWN_PACK)
    monkeypatch.chdir("/")  # relative to the config file, not to where the bot runs
    app = Spasibo.from_toml(config, clock=FakeClock())
    transport = app.use_transport(RecordingTransport("console"))
    message = IncomingMessage(
        chat="c", message_id="1", text="Хочу записаться на завтра", sent_at=FakeClock().now
    )
    outcome = await app.feed(message)
    assert outcome.verdict.intent == "booking"
    assert [request.emoji for request in transport.sent] == ["👌"]


def test_a_bad_own_phrase_file_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'intent = "booking"\nlanguage = "ru"\nphrases = ["ок", "ок"]\n')
    with pytest.raises(ConfigError, match=r"booking\.toml:3: "):
        Spasibo.from_toml(config)
