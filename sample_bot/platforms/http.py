"""The http platform: a bot that runs elsewhere, fed by the service's webhooks, reacting via ``/reaction``.

``spasibo serve`` owns the WhatsApp session and posts every customer message to this bot's webhook
(``SPASIBO_WEBHOOK_URL`` on the service, ``[bot.http] listen_port`` here, one shared
``SPASIBO_WEBHOOK_SECRET``). The bot verifies each webhook's signature, skips events it already handled
(delivery is at least once), feeds the message to the app, prints what happened, and each ❤️ goes back
through the service (``[transports.http]``). The receiver is a small Starlette app served by uvicorn, both
part of the ``service`` extra.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections import OrderedDict
from datetime import datetime
from typing import Any, TextIO

import httpx
import uvicorn
from pydantic import BaseModel, ConfigDict, Field

from sample_bot.config import BotSettings
from sample_bot.platforms import platform_options
from sample_bot.report import describe
from spasibo.app import Spasibo
from spasibo.errors import ConfigError
from spasibo.http_sender import TRANSPORT_NAME, HttpReactionSender
from spasibo.models import IncomingMessage
from spasibo.webhook_signature import WebhookSignatureError, verify_webhook

URL_ENV = "SPASIBO_SERVICE_URL"
KEY_ENV = "SPASIBO_API_KEY"
SECRET_ENV = "SPASIBO_WEBHOOK_SECRET"
PORT_ENV = "SPASIBO_BOT_PORT"  # overrides [bot.http] listen_port
READY_TIMEOUT_S = 5.0
SEEN_EVENTS_MAX = 10_000


class HttpOptions(BaseModel):
    """``[bot.http]``: where the webhook receiver listens, its path, and the secret the service signs with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8001, ge=0, le=65535)
    path: str = Field(default="/webhook", pattern=r"^/")
    webhook_secret: str | None = None


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


def webhook_secret(options: HttpOptions) -> str:
    """The secret the service signs this bot's company's webhooks with: ``SPASIBO_WEBHOOK_SECRET``, else
    ``[bot.http] webhook_secret``.
    """
    secret = os.environ.get(SECRET_ENV, "").strip() or options.webhook_secret
    if not secret:
        raise ConfigError(
            f"{SECRET_ENV} is not set: give the bot the secret the service signs its company's webhooks "
            f"with (the company's entry in the service's SPASIBO_WEBHOOK_SECRETS, else its {SECRET_ENV}), "
            "so it can check that webhooks come from the service"
        )
    return secret


async def check_reachable(base_url: str) -> None:
    """Raise a one-line ``ConfigError`` unless the service answers at ``base_url``."""
    try:
        async with httpx.AsyncClient(timeout=READY_TIMEOUT_S) as client:
            await client.get(base_url.rstrip("/") + "/health")
    except httpx.TransportError:
        raise ConfigError(
            f"cannot reach the reaction service at {base_url}: start it with `spasibo serve` or set {URL_ENV}"
        ) from None


def message_of(event: dict[str, Any]) -> IncomingMessage:
    """The customer message a ``message`` event carries, on the ``http`` platform (so the ❤️ goes back
    through the service)."""
    return IncomingMessage(
        platform=TRANSPORT_NAME,
        company_id=event["companyId"],
        chat=event["chat"],
        sender=event.get("sender"),
        message_id=event["messageId"],
        text=event.get("text") or "",
        sent_at=datetime.fromisoformat(event["time"]),
        from_me=event.get("fromMe", False),
        is_group=event.get("isGroup", False),
    )


class WebhookBot:
    """Handles verified events: each message fed to ``app`` once, each outcome printed to ``stdout``."""

    def __init__(self, app: Spasibo, bot: BotSettings, secret: str, stdout: TextIO) -> None:
        self.app = app
        self.bot = bot
        self.secret = secret
        self.stdout = stdout
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def handle(self, headers: dict[str, str], body: bytes) -> int:
        """The HTTP status to answer: 401 for a bad signature, else 200 once the event was handled."""
        try:
            event = verify_webhook(self.secret, headers, body)
        except WebhookSignatureError as error:
            print(f"sample_bot: refused a webhook: {error}", file=sys.stderr)
            return 401
        if event["id"] in self._seen:  # delivered again (at least once): handled already
            return 200
        self._seen[event["id"]] = None
        if len(self._seen) > SEEN_EVENTS_MAX:
            self._seen.popitem(last=False)
        self._print(event)
        if event["type"] == "message" and not event.get("fromMe"):
            outcome = await self.app.feed(message_of(event))
            self._print_lines(describe(outcome, self.bot.answer))
        return 200

    def _print(self, event: dict[str, Any]) -> None:
        if event["type"] == "message":
            line = f"> {event.get('text') or ''}"
        elif event["type"] == "reaction":
            line = f"customer reacted {event.get('emoji') or '(removed)'} on {event.get('messageId')}"
        else:
            line = f"session of {event['companyId']}: {event.get('state')} ({event.get('reason')})"
        self._print_lines([line])

    def _print_lines(self, lines: list[str]) -> None:
        print("\n".join(lines), file=self.stdout, flush=True)


class _Receiver(uvicorn.Server):
    """uvicorn's server, saying when it listens (so the bot can print the port it got)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.listening.set()


async def run(
    app: Spasibo, bot: BotSettings, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Receive the service's webhooks until stopped; each ❤️ goes back through the service."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    table = dict(bot.http)
    if os.environ.get(PORT_ENV, "").strip():
        table["listen_port"] = os.environ[PORT_ENV].strip()
    options = platform_options(HttpOptions, table, "http")
    secret = webhook_secret(options)
    sender = HttpReactionSender.from_options(sender_options(app))
    out = stdout or sys.stdout
    try:
        await check_reachable(sender.settings.base_url)
        app.use_transport(sender)
        handler = WebhookBot(app, bot, secret, out)

        async def receive(request: Request) -> Response:
            status = await handler.handle(dict(request.headers), await request.body())
            return Response(status_code=status)

        receiver = Starlette(routes=[Route(options.path, receive, methods=["POST"])])
        config = uvicorn.Config(
            receiver, host=options.listen_host, port=options.listen_port, log_level="warning", lifespan="off"
        )
        server = _Receiver(config)
        serving = asyncio.create_task(server.serve())
        listening = asyncio.create_task(server.listening.wait())
        await asyncio.wait({serving, listening}, return_when=asyncio.FIRST_COMPLETED)
        listening.cancel()
        if serving.done():
            raise ConfigError(f"cannot listen on {options.listen_host}:{options.listen_port}")
        port = server.servers[0].sockets[0].getsockname()[1]
        print(
            f"sample_bot: receiving webhooks at http://{options.listen_host}:{port}{options.path}",
            file=out,
            flush=True,
        )
        await serving
        return 0
    finally:
        await app.drain()  # reactions still going out, before the sender closes
        await sender.aclose()
