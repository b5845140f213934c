"""The outer middleware ``setup()`` installs: every incoming message goes through ``app.feed()`` first.

The host's handlers then run as usual and may ask for ``spasibo_outcome`` (the ``Outcome``, or ``None`` for a
message without text or when spasibo failed) and ``spasibo`` (the app) by parameter name. Nothing spasibo does
stops or delays the host's handlers: the reaction is sent in the background (``outcome.sending``; the app's
``aclose()`` waits for it), a failure is logged and the update carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import Message, TelegramObject

from spasibo.app import Spasibo
from spasibo.models import Outcome
from spasibo.telegram.emoji import TRANSPORT_NAME
from spasibo.telegram.messages import incoming_message
from spasibo.telegram.transport import TelegramTransport

OUTCOME_KEY = "spasibo_outcome"
APP_KEY = "spasibo"

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class SpasiboMiddleware(BaseMiddleware):
    """Feeds each text message to ``app`` and hands the outcome to the host's handlers.

    When the app has no ``telegram`` transport yet, the first update registers a ``TelegramTransport`` for the
    bot that received it, so ``setup(dispatcher, app)`` is the only call a host needs.
    """

    def __init__(self, app: Spasibo, *, company_id: str = "default") -> None:
        self.app = app
        self.company_id = company_id

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data[APP_KEY] = self.app
        data[OUTCOME_KEY] = await self._feed(event, data.get("bot"))
        return await handler(event, data)

    async def _feed(self, event: TelegramObject, bot: Bot | None) -> Outcome | None:
        if not isinstance(event, Message) or not (event.text or event.caption):
            return None
        try:
            if bot is not None and TRANSPORT_NAME not in self.app.transports:
                self.app.use_transport(TelegramTransport(bot))
            message = incoming_message(event, bot_id=bot.id if bot else None, company_id=self.company_id)
            # the host's handler needs the verdict now, not after the reaction's round trip to Telegram
            return await self.app.feed(message, wait_for_reaction=False)
        except Exception:  # spasibo is an add-on: the host's own handlers must run whatever happens here
            logger.exception("spasibo could not handle Telegram message %s", event.message_id)
            return None
