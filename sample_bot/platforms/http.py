"""The http platform: a bot that runs elsewhere and sends its reactions through a running ``spasibo serve``.

The service owns the WhatsApp session, so this bot receives no WhatsApp messages itself: like the console it
reads customer messages from stdin, and each ❤️ goes out through the service (``[transports.http]``) to the
customer whose phone is ``[bot.http] phone`` (or ``--phone``).
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

import httpx
from pydantic import BaseModel, ConfigDict, Field

from sample_bot.config import BotSettings
from sample_bot.platforms import platform_options
from sample_bot.platforms.console import converse
from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.http_sender import TRANSPORT_NAME, HttpReactionSender
from spasibo.models import IncomingMessage

URL_ENV = "SPASIBO_SERVICE_URL"
KEY_ENV = "SPASIBO_API_KEY"
READY_TIMEOUT_S = 5.0


class HttpOptions(BaseModel):
    """``[bot.http]``: the phone the piped messages come from, and the company the service serves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phone: str | None = Field(default=None, min_length=5)
    company_id: str = "default"


def sender_options(app: Spasibo) -> dict[str, object]:
    """``[transports.http]`` of the config overridden by ``SPASIBO_SERVICE_URL``/``SPASIBO_API_KEY``."""
    options = dict(app.settings.transports.get(TRANSPORT_NAME, {}))
    for key, env in (("base_url", URL_ENV), ("api_key", KEY_ENV)):
        if os.environ.get(env, "").strip():
            options[key] = os.environ[env].strip()
    if not options.get("base_url"):
        raise ConfigError(
            f"{URL_ENV} is not set: set it (or [transports.http] base_url) to the URL of a running "
            "`spasibo serve`, e.g. http://127.0.0.1:8000"
        )
    return options


async def check_reachable(base_url: str) -> None:
    """Raise a one-line ``ConfigError`` unless the service answers at ``base_url``."""
    try:
        async with httpx.AsyncClient(timeout=READY_TIMEOUT_S) as client:
            await client.get(base_url.rstrip("/") + "/health")
    except httpx.TransportError:
        raise ConfigError(
            f"cannot reach the reaction service at {base_url}: start it with `spasibo serve` or set {URL_ENV}"
        ) from None


async def run(
    app: Spasibo, bot: BotSettings, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Feed stdin lines to ``app`` as messages of the configured phone; reactions go through the service."""
    options = platform_options(HttpOptions, bot.http, "http")
    if options.phone is None:
        raise ConfigError(
            "[bot.http] phone is not set: pass --phone with the customer's number the service reacts to"
        )
    sender = HttpReactionSender.from_options(sender_options(app))
    try:
        await check_reachable(sender.settings.base_url)
        app.use_transport(sender)
        chat = f"{options.phone.lstrip('+')}@s.whatsapp.net"

        def make_message(number: int, text: str) -> IncomingMessage:
            # the rules pick the transport named like the message's platform: "http" sends via the service
            return IncomingMessage(
                platform=TRANSPORT_NAME,
                company_id=options.company_id,
                chat=chat,
                sender=chat,
                message_id=f"SAMPLE{number:06d}",
                text=text,
            )

        # the answer never waits for the service's round trip: reactions go out in the background
        return await converse(
            app, bot, make_message, stdin or sys.stdin, stdout or sys.stdout, wait_for_reaction=False
        )
    finally:
        await app.drain()  # before the sender closes
        await sender.aclose()
