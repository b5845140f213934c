"""Every hook spasibo calls, typed and documented; ``hookimpl`` is the marker plugins use.

A plugin is any module or object with functions named like these hooks and marked ``@hookimpl``; it may accept
only the parameters it needs. Built-in behaviour is itself a set of plugins (``spasibo.default_plugins``),
registered first and ``trylast``, so any installed plugin's implementation wins.

The pipeline per message: ``spasibo_detect`` → ``spasibo_choose_reaction`` → ``spasibo_send_reaction`` →
``spasibo_reaction_sent`` / ``spasibo_reaction_failed`` → ``spasibo_message_handled``. The two ``register``
hooks run once per app, when it first needs phrase packs or transports.

pluggy calls are synchronous. Hooks that do I/O return an awaitable (or ``None``) and spasibo awaits it: a
plugin writes a plain ``def`` that returns a coroutine, as in datasette.

spasibo calls each implementation on its own (``spasibo.isolation``): one that raises or returns something the
hook cannot use is logged once with its plugin's name and skipped, and one slower than ``slow_hook_ms`` is
logged with its name. docs/plugins.md has a runnable example per hook.
"""

from __future__ import annotations

from collections.abc import Awaitable, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import pluggy

from spasibo.models import (
    IncomingMessage,
    IncomingReaction,
    Outcome,
    ReactionRequest,
    ReactionResult,
    Verdict,
)

if TYPE_CHECKING:
    from spasibo.detection.candidate import Candidate, Judge, Judgement
    from spasibo.phrases import PhrasePack
    from spasibo.registry import RegisterPhrases, RegisterTransport
    from spasibo.rules import ReactionDecision
    from spasibo.settings import RuleSettings
    from spasibo.transport import Transport

PROJECT_NAME = "spasibo"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def spasibo_register_phrases(register: RegisterPhrases) -> None:
    """Add phrase packs (phrase lists for one intent and language) to the detector.

    :param register: call ``register(pack)`` with a ``spasibo.phrases.PhrasePack`` or the path of a pack's
        TOML file, once per pack; it validates the pack and raises ``PluginError`` naming this plugin when it
        is bad.
    :return: nothing; packs are added through ``register``.
    """


@hookspec(firstresult=True)
def spasibo_detect(message: IncomingMessage, packs: Sequence[PhrasePack], judge: Judge) -> Verdict | None:
    """Decide what a message says: gratitude, another intent (e.g. "confirmation") or nothing.

    :param message: the incoming message; ``message.text`` is what to judge.
    :param packs: every registered phrase pack in the app's languages, for detectors that use them.
    :param judge: the app's judge (``spasibo_judge`` through the plugins), for detectors that use the finder.
    :return: a ``Verdict``, or ``None`` to let the next plugin decide (the default is the finder and judge).

    Stops at the first non-None result.
    """


@hookspec(firstresult=True)
def spasibo_judge(candidate: Candidate) -> Judgement | None:
    """Judge a thanks-like phrase the finder found: is it sincere gratitude, and does it need no reply?

    Called only for messages with a candidate no hard rule vetoed, so a judge that asks a hosted model is
    asked only about those (and may answer ``None`` for the built-in model to decide the easy ones).

    :param candidate: ``spasibo.detection.Candidate``: the text, its tokens, the phrases found, every rule
        that fired and what the closing rules say.
    :return: a ``spasibo.detection.Judgement`` (probabilities 0–1 and the judge's name), or ``None`` to let
        the next plugin judge (the default is the trained linear model).

    Stops at the first non-None result.
    """


@hookspec(firstresult=True)
def spasibo_choose_reaction(
    message: IncomingMessage,
    verdict: Verdict,
    rules: Sequence[RuleSettings],
    now: datetime,
    transport_names: Collection[str],
) -> ReactionDecision | None:
    """Choose the reaction for a judged message, or the reason for none.

    :param message: the incoming message.
    :param verdict: what ``spasibo_detect`` concluded.
    :param rules: the app's rules from its settings, in file order.
    :param now: the app clock's current time (UTC), for age conditions.
    :param transport_names: the names of the transports the app can send through.
    :return: a ``spasibo.rules.ReactionDecision`` (a reaction request, or a ``SkipReason``; and whether a text
        reply is still needed), or ``None`` to let the next plugin decide (the default applies the rules).

    Stops at the first non-None result.
    """


@hookspec
def spasibo_register_transports(register: RegisterTransport) -> None:
    """Add transports that send reactions (console, WhatsApp, Telegram, HTTP, your own).

    :param register: call ``register(transport)`` with a ready ``spasibo.transport.Transport``;
        ``register(factory, name="...")`` with a callable that builds one from its ``[transports.<name>]``
        settings table when a reaction first needs it; or ``register(TransportClass)``, built the same way
        with ``TransportClass.from_options(table)`` or ``TransportClass(**table)`` and named by its ``name``.
        A bad transport raises ``PluginError`` naming this plugin.
    :return: nothing; transports are added through ``register``.
    """


@hookspec(firstresult=True)
def spasibo_send_reaction(
    request: ReactionRequest, transports: Mapping[str, Transport]
) -> Awaitable[ReactionResult] | None:
    """Send one reaction.

    :param request: the emoji, the message it reacts to and the transport name the rule chose.
    :param transports: the app's transports by name (built on first access).
    :return: an awaitable of the ``ReactionResult`` (raise ``spasibo.errors.ReactionError`` in it when nothing
        went out), or ``None`` to let the next plugin send (the default awaits
        ``transports[request.transport].send(request)``).

    Stops at the first non-None result.
    """


@hookspec
def spasibo_reaction_sent(request: ReactionRequest, result: ReactionResult) -> Awaitable[None] | None:
    """Observe a reaction that went out (metrics, audit logs, host callbacks).

    :param request: what was sent.
    :param result: what the transport reported.
    :return: ``None``, or an awaitable that spasibo awaits (before ``feed()`` returns, or in the
        background send of ``feed(..., wait_for_reaction=False)``).
    """


@hookspec
def spasibo_reaction_failed(request: ReactionRequest, error: Exception) -> Awaitable[None] | None:
    """Observe a reaction that did not go out (rate limit, transport error, timeout).

    :param request: what was to be sent.
    :param error: the exception raised by the transport (a ``ReactionError`` when the transport follows the
        contract; ``RateLimitedError`` for rate limits).
    :return: ``None``, or an awaitable that spasibo awaits (before ``feed()`` returns, or in the
        background send of ``feed(..., wait_for_reaction=False)``).
    """


@hookspec
def spasibo_message_handled(outcome: Outcome) -> Awaitable[None] | None:
    """Observe the outcome of every message fed to the app, duplicates excepted (``@app.on`` handlers use it).

    :param outcome: the verdict, the reaction (or why none) and whether a text reply is still needed.
    :return: ``None``, or an awaitable that spasibo awaits (before ``feed()`` returns, or in the
        background send of ``feed(..., wait_for_reaction=False)``).
    """


@hookspec
def spasibo_reaction_received(reaction: IncomingReaction) -> Awaitable[None] | None:
    """Observe a reaction a customer put on (or removed from, ``emoji == ""``) a message in a company's chat.

    :param reaction: who reacted, where, on which message (``reaction.message_id``) and with which emoji;
        ``reaction.from_me`` is True when the business's own account reacted (from another device).
    :return: ``None``, or an awaitable that spasibo awaits before ``feed_reaction()`` returns.
    """
