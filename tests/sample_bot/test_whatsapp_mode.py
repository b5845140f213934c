"""The sample bot's WhatsApp platform, run in-process on the session pool with fake neonize clients."""

from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest

from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.manager import DISABLE_AUTOLOAD_ENV
from spasibo.testing.whatsapp import FAKE_PAIR_CODE, FakeClientFactory

ROOT = Path(__file__).resolve().parents[2]
CUSTOMER = "79001234567@s.whatsapp.net"
SHOW_TIMEOUT_S = 5.0


class Screen(io.StringIO):
    """The bot's stdout; a test awaits the text it expects to appear."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        self.changed.set()
        return written

    async def shows(self, text: str) -> None:
        async with asyncio.timeout(SHOW_TIMEOUT_S):
            while text not in self.getvalue():
                self.changed.clear()
                await self.changed.wait()


@pytest.fixture
def whatsapp(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))  # the bot is run from the repository root, not installed
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    from sample_bot.platforms import whatsapp as module

    return module


async def start_bot(
    whatsapp: ModuleType, tmp_path: Path, **options: str
) -> tuple[asyncio.Task[int], asyncio.Event, Screen, FakeClientFactory]:
    from sample_bot.config import BotSettings

    factory = FakeClientFactory()
    stopping = asyncio.Event()
    screen = Screen()
    bot = BotSettings(whatsapp={"auth_database": str(tmp_path / "auth"), **options})
    run = whatsapp.run(Spasibo(), bot, client_factory=factory, stopping=stopping, stdout=screen)
    return asyncio.create_task(run), stopping, screen, factory


async def test_qr_is_drawn_then_a_thanks_after_pairing_gets_a_heart(
    whatsapp: ModuleType, tmp_path: Path
) -> None:
    task, stopping, screen, factory = await start_bot(whatsapp, tmp_path)
    await screen.shows("Scan it in WhatsApp")
    assert "█" in screen.getvalue() or "▀" in screen.getvalue()  # segno's terminal drawing
    client = factory.latest["default"]
    client.pair_success()
    await screen.shows("is connected")
    await client.incoming_text("Спасибо большое!", chat=CUSTOMER, message_id="3A00000000000000AA")
    await screen.shows("reacting ❤️")  # printed before the reaction went out: the answer never waits for it
    stopping.set()
    assert await task == 0
    [(to, message)] = client.sent
    assert (to.User, message.reactionMessage.text) == ("79001234567", "❤️")
    assert message.reactionMessage.key.ID == "3A00000000000000AA"
    assert factory.database_names == {str(tmp_path / "auth" / "whatsapp-auth.db")}  # the sqlite login


async def test_pairing_by_phone_prints_the_code_and_no_qr(whatsapp: ModuleType, tmp_path: Path) -> None:
    task, stopping, screen, factory = await start_bot(whatsapp, tmp_path, phone="+7 900 123-45-67")
    await screen.shows(f"Pairing code: {FAKE_PAIR_CODE}")
    assert "Link with phone number instead" in screen.getvalue()
    assert "Scan it" not in screen.getvalue()
    factory.latest["default"].pair_success()
    await screen.shows("is connected")
    stopping.set()
    assert await task == 0


async def test_stopping_before_pairing_shuts_down_cleanly(whatsapp: ModuleType, tmp_path: Path) -> None:
    task, stopping, screen, factory = await start_bot(whatsapp, tmp_path)
    await screen.shows("Scan it in WhatsApp")
    stopping.set()
    assert await task == 0
    assert factory.latest["default"].stop_calls >= 1


async def test_a_bad_phone_is_a_config_error_naming_the_table(whatsapp: ModuleType, tmp_path: Path) -> None:
    task, _, _, _ = await start_bot(whatsapp, tmp_path, phone="not a phone")
    with pytest.raises(ConfigError, match=r"^\[bot\.whatsapp\]"):
        await task


def test_without_the_whatsapp_extra_one_line_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from sample_bot.__main__ import main

    for name in list(sys.modules):
        if name.split(".")[0] == "neonize" or name.startswith(("spasibo.whatsapp", "sample_bot.platforms.")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "neonize", None)  # what an install without the extra looks like
    assert main(["--platform", "whatsapp"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "pip install 'spasibo[whatsapp]'" in error


@pytest.mark.postgres
async def test_a_postgres_auth_database_goes_to_neonize_as_the_url(
    whatsapp: ModuleType, tmp_path: Path, postgres_url: str
) -> None:
    url = postgres_url
    task, stopping, screen, factory = await start_bot(whatsapp, tmp_path, auth_database=url)
    await screen.shows("Scan it in WhatsApp")
    stopping.set()
    assert await task == 0
    assert factory.database_names == {url}
    assert not (tmp_path / "auth").exists()


@pytest.mark.postgres
async def test_a_missing_postgres_database_is_said_at_once_not_as_a_failed_pairing(
    whatsapp: ModuleType, tmp_path: Path, postgres_url: str
) -> None:
    missing = urlsplit(postgres_url)._replace(path="/spasibo_no_such_database").geturl()
    task, _, _, factory = await start_bot(whatsapp, tmp_path, auth_database=missing)
    with pytest.raises(
        ConfigError, match=r"database 'spasibo_no_such_database' does not exist: create it first"
    ):
        await asyncio.wait_for(task, 10)
    assert factory.database_names == set()  # no session was started
