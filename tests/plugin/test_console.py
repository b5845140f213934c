"""The console transport prints each reaction; the default, so spasibo runs with nothing else installed."""

from __future__ import annotations

import pytest

from spasibo.console import ConsoleTransport
from spasibo.errors import ConfigError
from spasibo.models import ReactionRequest

from .conftest import make_message


async def test_console_prints_the_reaction_and_reports_it_sent(capsys: pytest.CaptureFixture[str]) -> None:
    request = ReactionRequest(
        message=make_message(message_id="42", chat="anna"), emoji="❤️", transport="console"
    )
    result = await ConsoleTransport().send(request)
    assert capsys.readouterr().out == "  ❤️  reaction on message 42 in chat anna\n"
    assert (result.ok, result.transport, result.message_id) == (True, "console", "42")


async def test_console_can_print_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    transport = ConsoleTransport.from_options({"stream": "stderr"})
    await transport.send(ReactionRequest(message=make_message(), emoji="👍", transport="console"))
    captured = capsys.readouterr()
    assert (captured.out, "👍" in captured.err) == ("", True)


def test_console_option_errors_name_the_table() -> None:
    with pytest.raises(ConfigError, match=r"\[transports.console\]: stream: .*'stdout' or 'stderr'"):
        ConsoleTransport.from_options({"stream": "printer"})
