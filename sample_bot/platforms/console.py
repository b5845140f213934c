"""The console platform: customer messages come from stdin, reactions are printed by the console transport.

On a terminal it prompts for each message; when a conversation is piped in it reads it line by line and echoes
each line. Empty lines and lines starting with ``#`` are skipped, so a conversation file can carry comments.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from typing import TextIO

from sample_bot.config import BotSettings
from sample_bot.report import describe
from spasibo.app import Spasibo
from spasibo.models import IncomingMessage, Platform

CHAT = "customer"
PROMPT = "customer> "


async def _typed_lines(stdin: TextIO) -> AsyncIterator[str]:
    while True:
        try:
            # input() blocks: run it off the event loop so transports keep working meanwhile
            yield await asyncio.to_thread(input, PROMPT)
        except EOFError:
            return


async def _piped_lines(stdin: TextIO, stdout: TextIO) -> AsyncIterator[str]:
    for line in stdin:
        text = line.rstrip("\n")
        if text.strip() and not text.startswith("#"):
            print(f"> {text}", file=stdout)
        yield text


MessageMaker = Callable[[int, str], IncomingMessage]


def console_message(number: int, text: str) -> IncomingMessage:
    """The ``number``-th customer line as a console message (the console transport prints reactions)."""
    return IncomingMessage(platform=Platform.CONSOLE.value, chat=CHAT, message_id=str(number), text=text)


async def converse(
    app: Spasibo,
    bot: BotSettings,
    make_message: MessageMaker,
    stdin: TextIO,
    stdout: TextIO,
    *,
    wait_for_reaction: bool = True,
) -> int:
    """Feed every stdin line to ``app`` as the message ``make_message`` builds and print what happened.

    ``wait_for_reaction=False`` answers each line at once and sends its reaction in the background (a
    remote transport); the console waits, so its reaction line comes before the answer.
    """
    lines = _typed_lines(stdin) if stdin.isatty() else _piped_lines(stdin, stdout)
    number = 0
    async for text in lines:
        if not text.strip() or text.startswith("#"):
            continue
        number += 1
        outcome = await app.feed(make_message(number, text), wait_for_reaction=wait_for_reaction)
        print("\n".join(describe(outcome, bot.answer)), file=stdout, flush=True)
    return 0


async def run(
    app: Spasibo, bot: BotSettings, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Feed every stdin line to ``app`` as a customer message and print what happened."""
    return await converse(app, bot, console_message, stdin or sys.stdin, stdout or sys.stdout)
