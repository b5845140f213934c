"""A fake Telegram Bot API server on loopback, for running a real aiogram ``Bot`` and ``Dispatcher`` offline.

    async with FakeBotAPI() as api:
        bot = api.bot()  # a real aiogram Bot whose session talks to this server
        api.queue_message("Спасибо!", chat_id=42)
        ...  # run the Dispatcher (start_polling or feed_update)
        await api.wait_for_reactions(1)
        assert api.reactions[0].emoji == ["❤"]

It speaks just enough of the Bot API for spasibo's tests: ``getMe``, ``getUpdates`` (queued updates,
``offset`` confirmation, a short long-poll), ``deleteWebhook``, ``sendMessage`` and ``setMessageReaction``,
each answering Telegram-shaped JSON. Reactions and sent messages are recorded; ``fail_next_reaction`` scripts
the errors Telegram gives (429 flood wait with ``retry_after``, 400 bad request).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

DEFAULT_TOKEN = "123456:TEST-TOKEN"
LONG_POLL_CAP_S = 0.2  # the fake answers an empty getUpdates this soon, whatever timeout aiogram asks for


@dataclass(frozen=True)
class ReactionCall:
    """One ``setMessageReaction`` request the server answered with success."""

    chat_id: str
    message_id: int
    emoji: list[str]


@dataclass(frozen=True)
class SentMessage:
    """One ``sendMessage`` request."""

    chat_id: str
    text: str


@dataclass(frozen=True)
class ScriptedError:
    """An error ``setMessageReaction`` answers instead of succeeding (``retry_after``: a 429 flood wait)."""

    status: int
    description: str
    retry_after: int | None = None


Method = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeBotAPI:
    """The fake server: start it (``async with``), point a bot at it, queue updates, read the records."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_username: str = "spasibo_test_bot") -> None:
        self.token = token
        self.bot_id = int(token.partition(":")[0])
        self.bot_username = bot_username
        self.updates: list[dict[str, Any]] = []
        self.reactions: list[ReactionCall] = []
        self.sent_messages: list[SentMessage] = []
        self.calls: list[str] = []  # every method called, in order
        self._reaction_errors: list[ScriptedError] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.methods: dict[str, Method] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "sendMessage": self._send_message,
            "setMessageReaction": self._set_message_reaction,
        }

    # --- lifecycle ---

    async def start(self) -> None:
        """Listen on a free loopback port; ``base_url`` is then set."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.stop()

    def bot(self) -> Bot:
        """A real aiogram ``Bot`` whose requests go to this server (``await bot.session.close()`` after)."""
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session)

    # --- what a test scripts ---

    def message_json(
        self,
        text: str,
        *,
        chat_id: int = 1001,
        user_id: int = 2001,
        chat_type: str = "private",
        message_id: int | None = None,
        date: int | None = None,
    ) -> dict[str, Any]:
        """A Telegram ``Message`` object as the Bot API sends it; ``date`` (Unix time) defaults to now."""
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Customer"
        else:
            chat["title"] = "Customers"
        is_bot = user_id == self.bot_id
        return {
            "message_id": message_id if message_id is not None else next(self._message_ids),
            "from": {"id": user_id, "is_bot": is_bot, "first_name": "Bot" if is_bot else "Customer"},
            "chat": chat,
            "date": date if date is not None else int(time.time()),
            "text": text,
        }

    def queue_message(self, text: str, **fields: Any) -> dict[str, Any]:
        """Queue an update carrying a new message (``fields`` as in ``message_json``); returns the update."""
        update = {"update_id": next(self._update_ids), "message": self.message_json(text, **fields)}
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    def fail_next_reaction(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        """Make the next ``setMessageReaction`` answer this error (queue several for several calls)."""
        self._reaction_errors.append(ScriptedError(status, description, retry_after))

    async def wait_for_reactions(self, count: int, *, timeout_s: float = 5.0) -> list[ReactionCall]:
        """Wait until ``count`` reactions were recorded; raises ``TimeoutError`` otherwise."""
        async with asyncio.timeout(timeout_s), self._changed:
            await self._changed.wait_for(lambda: len(self.reactions) >= count)
        return self.reactions

    async def wait_until_delivered(self, *, timeout_s: float = 5.0) -> None:
        """Wait until the bot has confirmed every queued update (asked for an offset past the last one)."""
        async with asyncio.timeout(timeout_s), self._changed:
            await self._changed.wait_for(lambda: not self.updates)

    # --- the HTTP side ---

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append(method)
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        handler = self.methods.get(method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        params = await _params(request)
        try:
            result = await handler(params)
        except _APIError as error:
            return _error(error.status, error.description, retry_after=error.retry_after)
        finally:
            await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "spasibo", "username": self.bot_username}

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        # Telegram forgets updates below the offset: the bot confirmed it has them.
        self.updates = [update for update in self.updates if update["update_id"] >= offset]
        if not self.updates and float(params.get("timeout", 0) or 0) > 0:
            await self._notify()
            async with self._changed:
                try:
                    async with asyncio.timeout(LONG_POLL_CAP_S):
                        await self._changed.wait_for(lambda: bool(self.updates))
                except TimeoutError:
                    pass
        return list(self.updates)

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = str(params["chat_id"])
        self.sent_messages.append(SentMessage(chat_id=chat_id, text=str(params["text"])))
        message = self.message_json(str(params["text"]), user_id=self.bot_id)
        message["chat"]["id"] = int(chat_id) if chat_id.lstrip("-").isdigit() else 0
        return message

    async def _set_message_reaction(self, params: dict[str, Any]) -> bool:
        if self._reaction_errors:
            scripted = self._reaction_errors.pop(0)
            raise _APIError(scripted.status, scripted.description, scripted.retry_after)
        reaction = params.get("reaction") or []
        if isinstance(reaction, str):
            reaction = json.loads(reaction)
        self.reactions.append(
            ReactionCall(
                chat_id=str(params["chat_id"]),
                message_id=int(params["message_id"]),
                emoji=[item["emoji"] for item in reaction if item.get("type") == "emoji"],
            )
        )
        return True


class _APIError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _error(status: int, description: str, *, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _params(request: web.Request) -> dict[str, Any]:
    """The method's parameters, from a JSON body or a (multipart) form as aiogram sends them."""
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}
