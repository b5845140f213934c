"""``Spasibo``: the one object a host bot wires in. One ``await app.feed(message)`` per incoming message.

    app = Spasibo.from_toml("spasibo.toml")
    outcome = await app.feed(message)
    if outcome.reply_needed:
        ...  # answer with text as usual

``feed`` runs the hooks in order (detect → choose the reaction → send → observers) and adds what needs memory
across messages: each message id (per company, platform and chat) reacts at most once, and a rule's cooldown
keeps a chat from getting a reaction on every message. A failing transport never raises out of ``feed``: the
outcome says ``transport_error`` or ``rate_limited`` and carries the error text.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pluggy

from spasibo.errors import ConfigError, RateLimitedError, ReactionError
from spasibo.filters import Filter, Intent, as_filter
from spasibo.handlers import Handler, OutcomeHandler
from spasibo.manager import PluginHooks, get_plugin_manager
from spasibo.memory import ChatCooldowns, SeenMessages
from spasibo.models import (
    IncomingMessage,
    IncomingReaction,
    Outcome,
    Platform,
    ReactionRequest,
    SkipReason,
    Verdict,
    utc_now,
)
from spasibo.registry import TransportTable
from spasibo.settings import SpasiboSettings, load_settings
from spasibo.transport import Transport

if TYPE_CHECKING:
    from spasibo.phrases import PhrasePack

Clock = Callable[[], datetime]

logger = logging.getLogger(__name__)


class Spasibo:
    """Reacts to customer gratitude per the settings' rules, through the plugin hooks.

    ``settings`` default to one rule (gratitude → ❤️ on the console); ``plugin_manager`` defaults to
    ``get_plugin_manager()``; ``clock`` returns the current UTC time (tests pass a fake one). ``packs`` and
    ``transports`` hold what the plugins registered; register plugins on the manager before building the app.
    """

    def __init__(
        self,
        settings: SpasiboSettings | None = None,
        *,
        plugin_manager: pluggy.PluginManager | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings if settings is not None else SpasiboSettings()
        self.plugin_manager = plugin_manager if plugin_manager is not None else get_plugin_manager()
        self.hooks = PluginHooks(self.plugin_manager, slow_hook_s=self.settings.slow_hook_ms / 1000)
        self._clock = clock
        # Plugins are asked once, here, so a broken plugin fails at startup rather than on a customer message.
        self.packs = self._collect_packs()
        self.transports: TransportTable = self.hooks.transports(self.settings.transports)
        self._check_rule_transports()
        self._seen = SeenMessages(
            ttl_s=self.settings.dedupe.ttl_s, max_messages=self.settings.dedupe.max_messages
        )
        self._cooldowns = ChatCooldowns(max_chats=self.settings.dedupe.max_messages)
        self._sending: set[asyncio.Task[None]] = set()

    @classmethod
    def from_toml(
        cls, path: str | Path, *, plugin_manager: pluggy.PluginManager | None = None, clock: Clock = utc_now
    ) -> Spasibo:
        """Build the app from a ``spasibo.toml`` file; a bad file raises ``ConfigError`` naming the key."""
        return cls(load_settings(path), plugin_manager=plugin_manager, clock=clock)

    def _collect_packs(self) -> tuple[PhrasePack, ...]:
        """The bot's own phrase files and the registered packs, in the configured languages; a language no
        pack covers is an error, and so is a bad phrase file (each problem with its file and line).
        """
        from spasibo.phrases import load_pack

        packs = [*(load_pack(path) for path in self.settings.phrases), *self.hooks.phrase_packs()]
        wanted = self.settings.languages
        if not wanted:
            return tuple(packs)
        available = {pack.language for pack in packs}
        for index, language in enumerate(wanted):
            if language not in available:
                raise ConfigError(
                    f"languages[{index}]: no phrase pack for {language!r}; installed packs cover "
                    f"{', '.join(sorted(available)) or 'no language'}"
                )
        return tuple(pack for pack in packs if pack.language in wanted)

    def _check_rule_transports(self) -> None:
        """A rule naming a transport nothing provides fails here, at start-up, not at the first message.

        The platforms' own transports (``whatsapp``, ``telegram``) count as known: the host attaches them to a
        live client with ``use_transport`` after building the app.
        """
        known = set(self.transports) | {platform.value for platform in Platform}
        for index, rule in enumerate(self.settings.rules):
            for key in ("transport", "fallback_transport"):
                name = getattr(rule, key)
                if name is not None and name not in known:
                    raise ConfigError(
                        f"rules[{index}].{key}: no transport named {name!r}; known: "
                        f"{', '.join(sorted(known))} (install the extra or plugin that provides it)"
                    )

    def use_transport(self, transport: Transport) -> Transport:
        """Send reactions named ``transport.name`` through this live instance (the host keeps ownership)."""
        return self.transports.add(transport)

    def verdict(self, text: str | IncomingMessage) -> Verdict:
        """Only detect, through the hooks: what ``feed`` would conclude about ``text``; no side effects."""
        message = (
            text if isinstance(text, IncomingMessage) else IncomingMessage(chat="", message_id="", text=text)
        )
        return self.hooks.detect(message, self.packs)

    async def feed(self, message: IncomingMessage, *, wait_for_reaction: bool = True) -> Outcome:
        """Handle one message: judge it, react per the rules, and say whether a text reply is needed.

        With ``wait_for_reaction=False`` it returns as soon as the decision is made (the verdict and
        ``reply_needed`` cost only detection): the reaction goes out in a background task the app tracks
        (``outcome.sending`` is True), its result or failure reaches the observers as usual, and ``drain()``
        or ``aclose()`` waits for it. Host bots do this so their answer never waits for the ❤️.
        """
        now = self._clock()
        verdict = self.hooks.detect(message, self.packs)
        decision = self.hooks.choose_reaction(
            message, verdict, self.settings.rules, now, tuple(self.transports)
        )
        judged = Outcome(message=message, verdict=verdict, reply_needed=decision.reply_needed)
        message_key = (message.company_id, message.platform, message.chat, message.message_id)
        if not self._seen.claim(message_key, now.timestamp()):
            return judged.model_copy(update={"skipped": SkipReason.DUPLICATE})
        request = decision.request
        if request is None:
            return await self._handled(judged.model_copy(update={"skipped": decision.skipped}))
        cooldown_key = (*message_key[:3], request.rule)
        if self._cooldowns.active(cooldown_key, now.timestamp()):
            return await self._handled(
                judged.model_copy(update={"reaction": request, "skipped": SkipReason.COOLDOWN})
            )
        # Started before the send, so a second thanks during a slow send does not get a second reaction;
        # a failed send ends it again.
        if decision.rule is not None:
            self._cooldowns.start(cooldown_key, now.timestamp(), decision.rule.cooldown_s)
        sending = self._react(request, judged, message_key, cooldown_key)
        if wait_for_reaction:
            return await self._handled(await sending)
        task = asyncio.create_task(self._react_in_background(sending), name=f"spasibo-react-{request.emoji}")
        self._sending.add(task)
        task.add_done_callback(self._sent_in_background)
        return judged.model_copy(update={"reaction": request, "sending": True})

    async def _handled(self, outcome: Outcome) -> Outcome:
        await self.hooks.message_handled(outcome)
        return outcome

    async def _react_in_background(self, sending: Awaitable[Outcome]) -> None:
        await self._handled(await sending)

    def _sent_in_background(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # only the host's own @app.on handlers raise out of a send: nobody awaits this task to see it
            logger.error("a handler failed after a background reaction", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait until every reaction sent in the background (``wait_for_reaction=False``) has finished."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _react(
        self,
        request: ReactionRequest,
        judged: Outcome,
        message_key: tuple[str, ...],
        cooldown_key: tuple[str | None, ...],
    ) -> Outcome:
        """Send the decided reaction and tell the observers; ``judged`` carries verdict and reply."""
        try:
            async with asyncio.timeout(self.settings.reaction_timeout_s):
                result = await self.hooks.send_reaction(request, self.transports)
            if not result.ok:
                raise ReactionError(
                    result.detail or f"transport {result.transport!r} reported the reaction as not sent"
                )
        except Exception as error:  # a transport is third-party code: its failure must not break the host bot
            self._cooldowns.end(cooldown_key)
            return await self._failed(request, error, judged, message_key)
        await self.hooks.reaction_sent(request, result)
        return judged.model_copy(update={"reaction": request, "result": result})

    async def _failed(
        self, request: ReactionRequest, error: Exception, judged: Outcome, message_key: tuple[str, ...]
    ) -> Outcome:
        # Forget the message so that a redelivery (after a reconnect) gets another chance to react.
        self._seen.release(message_key)
        if isinstance(error, TimeoutError):
            error = ReactionError(
                f"transport {request.transport!r} timed out after {self.settings.reaction_timeout_s:g} s"
            )
        reason = (
            SkipReason.RATE_LIMITED if isinstance(error, RateLimitedError) else SkipReason.TRANSPORT_ERROR
        )
        text = f"{type(error).__name__}: {error}"
        logger.warning(
            "reaction %s on message %s not sent: %s", request.emoji, request.message.message_id, text
        )
        await self.hooks.reaction_failed(request, error)
        return judged.model_copy(update={"reaction": request, "skipped": reason, "error": text})

    async def feed_reaction(self, reaction: IncomingReaction) -> None:
        """Pass a reaction a customer sent to the plugins (``spasibo_reaction_received``); nothing is sent.

        Wire it like ``feed``: ``SessionPool(on_message=app.feed, on_reaction=app.feed_reaction)``.
        """
        await self.hooks.reaction_received(reaction)

    def on(
        self, intent: str | None = None, *filters: Filter | Callable[[Outcome], Any]
    ) -> Callable[[Handler], Handler]:
        """Decorator: call the handler for each handled message with ``intent`` that passes every filter.

        The handler gets ``message``, ``verdict``, ``outcome`` and whatever the filters inject, by parameter
        name; an exception in it propagates out of ``feed`` (it is the host's own code). It is registered on
        the plugin manager as a ``spasibo_message_handled`` implementation.
        """
        chain = tuple(as_filter(item) for item in filters)
        if intent is not None:
            chain = (Intent(intent), *chain)

        def decorate(function: Handler) -> Handler:
            handler = OutcomeHandler(function, chain)
            self.plugin_manager.register(handler, name=f"spasibo.on.{function.__qualname__}.{id(handler)}")
            return function

        return decorate

    async def aclose(self) -> None:
        """Wait for background reactions, then close the transports this app built from factories (the host
        closes those it passed in).
        """
        await self.drain()
        for transport in self.transports.built_by_factories():
            close = getattr(transport, "aclose", None) or getattr(transport, "close", None)
            if close is not None:
                result = close()
                if inspect.isawaitable(result):
                    await result

    async def __aenter__(self) -> Spasibo:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
