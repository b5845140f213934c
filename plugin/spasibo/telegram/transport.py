"""``TelegramTransport``: sends a rule's reaction with the Bot API's ``setMessageReaction``.

Telegram's answers become spasibo's errors so ``feed()`` can report them and the bot keeps running: a flood
wait short enough is waited out and the call retried once, a longer one (or a second refusal) is a
``RateLimitedError``; "message not found" or reactions disabled in the chat are final (``retryable=False``);
network trouble and Telegram server errors may pass (``retryable=True``).
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import ReactionTypeEmoji

from spasibo.errors import RateLimitedError, ReactionError
from spasibo.models import ReactionRequest, ReactionResult
from spasibo.telegram.emoji import TRANSPORT_NAME, telegram_reaction

# Below the app's default reaction timeout (10 s), so a waited-out flood wait still fits in one feed() call.
MAX_FLOOD_WAIT_S = 5.0

logger = logging.getLogger(__name__)

# Substrings of Telegram's 400 descriptions -> what the host should understand from them.
_BAD_REQUEST_MEANINGS = (
    ("message to react not found", "the message is gone (deleted, or the id is wrong)"),
    ("message_id_invalid", "the message is gone (deleted, or the id is wrong)"),
    ("reaction_invalid", "reactions are disabled in this chat or this emoji is not allowed there"),
    ("reactions are disabled", "reactions are disabled in this chat"),
    ("chat not found", "the bot cannot see this chat"),
)


def _failure(text: str, *, retryable: bool) -> ReactionError:
    error = ReactionError(text)
    error.retryable = retryable
    return error


def _bad_request_text(error: TelegramBadRequest) -> str:
    description = error.message.lower()
    for needle, meaning in _BAD_REQUEST_MEANINGS:
        if needle in description:
            return f"{meaning} (Telegram: {error.message})"
    return f"Telegram refused the reaction: {error.message}"


class TelegramTransport:
    """A ``Transport`` named ``"telegram"`` that reacts through an aiogram ``Bot``.

    ``bot`` stays the host's (this transport never closes its session). ``max_flood_wait_s`` bounds how long a
    flood wait is waited out before the reaction is given up as rate limited.
    """

    name = TRANSPORT_NAME

    def __init__(self, bot: Bot, *, max_flood_wait_s: float = MAX_FLOOD_WAIT_S) -> None:
        self.bot = bot
        self.max_flood_wait_s = max_flood_wait_s

    async def send(self, request: ReactionRequest) -> ReactionResult:
        """Set ``request.emoji`` (Telegram's spelling) on the message; raise ``ReactionError`` if refused."""
        emoji = telegram_reaction(request.emoji, key=f"rule {request.rule or '(unnamed)'}: react")
        message = request.message
        try:
            await self._set_reaction(message.chat, message.message_id, emoji)
        except TelegramRetryAfter as error:
            if error.retry_after > self.max_flood_wait_s:
                raise self._rate_limited(error) from error
            logger.info("Telegram flood wait of %s s before reacting; waiting once", error.retry_after)
            await asyncio.sleep(error.retry_after)
            try:
                await self._set_reaction(message.chat, message.message_id, emoji)
            except TelegramRetryAfter as again:
                raise self._rate_limited(again) from again
        return ReactionResult(ok=True, transport=self.name, emoji=emoji, message_id=message.message_id)

    async def _set_reaction(self, chat: str, message_id: str, emoji: str) -> None:
        if not message_id.isdigit():
            raise _failure(
                f"message_id: Telegram message ids are numbers, got {message_id!r}", retryable=False
            )
        # A chat is a numeric id, or "@username" for a public channel.
        chat_id: int | str = int(chat) if chat.lstrip("-").isdigit() else chat
        try:
            await self.bot.set_message_reaction(
                chat_id=chat_id, message_id=int(message_id), reaction=[ReactionTypeEmoji(emoji=emoji)]
            )
        except TelegramRetryAfter:
            raise
        except TelegramBadRequest as error:
            raise _failure(_bad_request_text(error), retryable=False) from error
        except TelegramForbiddenError as error:
            raise _failure(
                f"the bot may not react in this chat (Telegram: {error.message})", retryable=False
            ) from error
        except (TelegramNetworkError, TelegramServerError) as error:
            raise _failure(f"Telegram unreachable: {error.message}", retryable=True) from error
        except TelegramAPIError as error:
            raise _failure(f"Telegram refused the reaction: {error.message}", retryable=False) from error

    def _rate_limited(self, error: TelegramRetryAfter) -> RateLimitedError:
        return RateLimitedError(
            f"Telegram flood control: retry after {error.retry_after} s",
            retry_after_s=float(error.retry_after),
        )
