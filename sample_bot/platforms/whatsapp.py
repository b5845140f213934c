"""The WhatsApp platform: the session pool in this process, paired by a QR in the terminal or a phone code.

``[bot.whatsapp]`` names the company, the ``phone`` to pair by code (``--phone``; without it a QR is shown)
and ``auth_database``: a directory for the sqlite login file (default ``sample_bot/whatsapp-auth``) or a
``postgres://`` URL. A stored login is reused, so the QR is needed once. Ctrl+C or SIGTERM shuts the pool
down and the bot exits 0.
"""

from __future__ import annotations

import asyncio
import io
import signal
import sys
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict

from sample_bot.config import BotSettings
from sample_bot.platforms import platform_options
from sample_bot.report import describe
from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.models import IncomingMessage
from spasibo.whatsapp import (
    InvalidInputError,
    PairingFailedError,
    PairingInfo,
    PairingTimeoutError,
    PoolSettings,
    SessionPool,
    WhatsAppTransport,
)
from spasibo.whatsapp.client import ClientFactory
from spasibo.whatsapp.postgres_check import check_postgres

DEFAULT_AUTH_DIR = Path(__file__).resolve().parents[1] / "whatsapp-auth"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class WhatsAppOptions(BaseModel):
    """``[bot.whatsapp]``: the company whose session this is, how to pair, and where the login is kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company_id: str = "default"
    phone: str | None = None
    auth_database: str = str(DEFAULT_AUTH_DIR)


def render_qr(payload: str) -> str:
    """The QR payload as a QR code drawn with text (``segno``, installed with neonize), else the payload."""
    try:
        import segno
    except ModuleNotFoundError:
        return f"{payload}\n(paste this text into any QR code generator and scan the result)"
    drawing = io.StringIO()
    segno.make(payload).terminal(out=drawing, compact=True)
    return drawing.getvalue()


def show_qr(payload: str, stdout: TextIO) -> None:
    """Print a QR code and how to scan it."""
    print(render_qr(payload), file=stdout)
    print(
        "Scan it in WhatsApp on the phone: Settings → Linked devices → Link a device "
        "(a new code replaces it every ~20 s).",
        file=stdout,
        flush=True,
    )


def show_pair_code(code: str, stdout: TextIO) -> None:
    """Print the pairing code and where to type it."""
    print(
        f"Pairing code: {code}\nOn the phone: WhatsApp → Settings → Linked devices → Link a device → "
        "Link with phone number instead, then enter the code.",
        file=stdout,
        flush=True,
    )


async def wait_paired(info: PairingInfo, stopping: asyncio.Event, stdout: TextIO) -> bool:
    """Show each new QR until the phone pairs (True) or the bot is stopped first (False)."""
    paired = asyncio.ensure_future(info.wait_paired())
    stopped = asyncio.ensure_future(stopping.wait())
    try:
        while not paired.done():
            next_qr = asyncio.ensure_future(info.next_qr())
            done, _ = await asyncio.wait({paired, stopped, next_qr}, return_when=asyncio.FIRST_COMPLETED)
            if next_qr in done and next_qr.exception() is None and info.method == "qr":
                show_qr(next_qr.result(), stdout)
            next_qr.cancel()
            if stopped in done:
                return False
        paired.result()  # raises the pairing error
        return True
    finally:
        for task in (paired, stopped):
            task.cancel()
        await asyncio.gather(paired, stopped, return_exceptions=True)


def stop_on_signals(stopping: asyncio.Event) -> None:
    """Set ``stopping`` on Ctrl+C or SIGTERM instead of interrupting whatever runs."""
    loop = asyncio.get_running_loop()
    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stopping.set)


async def run(
    app: Spasibo,
    bot: BotSettings,
    *,
    client_factory: ClientFactory | None = None,
    stopping: asyncio.Event | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Pair the company's session, then react to its incoming messages until stopped.

    ``client_factory`` (a fake in tests, real neonize by default) and ``stopping`` (set by Ctrl+C/SIGTERM
    unless given) are injectable.
    """
    options = platform_options(WhatsAppOptions, bot.whatsapp, "whatsapp")
    out = stdout or sys.stdout
    settings = PoolSettings(auth_database=options.auth_database)
    if settings.uses_postgres:  # a missing database or refused SSL would otherwise look like a failed pairing
        await check_postgres(options.auth_database)
    else:
        await asyncio.to_thread(Path(options.auth_database).mkdir, parents=True, exist_ok=True)
    if stopping is None:
        stopping = asyncio.Event()
        stop_on_signals(stopping)

    async def on_message(message: IncomingMessage) -> None:
        outcome = await app.feed(message, wait_for_reaction=False)  # the answer never waits for the ❤️
        print(f"> {message.chat}: {message.text}", file=out)
        print("\n".join(describe(outcome, bot.answer)), file=out, flush=True)

    async with SessionPool(settings, client_factory=client_factory, on_message=on_message) as pool:
        app.use_transport(WhatsAppTransport(pool))
        try:
            info = await pool.add_session(options.company_id, phone=options.phone)
        except InvalidInputError as error:
            raise ConfigError(f"[bot.whatsapp]: {error}") from None
        if info.pair_code is not None:
            show_pair_code(info.pair_code, out)
        elif info.qr is not None:
            show_qr(info.qr, out)
        else:  # a stored login is being used, or the first connect failed and the pool retries
            failed = f" (last connect failed: {info.last_error}; retrying)" if info.last_error else ""
            print(f"WhatsApp session {options.company_id!r}: {info.state}{failed}", file=out, flush=True)
        try:
            if not await wait_paired(info, stopping, out):
                return 0
        except (PairingTimeoutError, PairingFailedError) as error:
            raise ConfigError(f"WhatsApp pairing did not complete: {error}; run the bot again") from None
        print(
            f"WhatsApp session {options.company_id!r} is connected; waiting for messages (Ctrl+C to stop).",
            file=out,
            flush=True,
        )
        await stopping.wait()
        await app.drain()  # reactions still going out in the background need the pool open
    return 0
