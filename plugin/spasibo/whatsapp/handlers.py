"""What the pool does when neonize reports something about a session (QR, login, drop, ban, a message).

neonize dispatches each event to the coroutine registered for its code in ``client.event.list_func`` (one dict
per client the pool creates), scheduled with ``run_coroutine_threadsafe`` from its Go thread; nobody reads the
result, so every handler here logs its own errors instead of raising.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from neonize.events import EVENT_TO_INT
from neonize.proto.Neonize_pb2 import (
    QR,
    Connected,
    ConnectFailure,
    Disconnected,
    LoggedOut,
    PairStatus,
    StreamReplaced,
    TemporaryBan,
)
from neonize.proto.Neonize_pb2 import Message as MessageEvent

from spasibo.models import IncomingMessage
from spasibo.whatsapp.events import IncomingReaction, incoming_message, incoming_reaction
from spasibo.whatsapp.session import Session, SessionState
from spasibo.whatsapp.stats import Counters

log = logging.getLogger("spasibo.whatsapp.pool")

# ConnectFailure reasons after which reconnecting cannot help
_TERMINAL_CONNECT_FAILURES = {
    "LOGGED_OUT",
    "TEMP_BANNED",
    "MAIN_DEVICE_GONE",
    "UNKNOWN_LOGOUT",
    "CLIENT_OUTDATED",
}

MessageCallback = Callable[[IncomingMessage], Awaitable[object]]
ReactionCallback = Callable[[IncomingReaction], Awaitable[object]]


class SessionEventHandlers:
    """Turns neonize events into session state changes, fed messages and surfaced customer reactions.

    ``request_pair_code`` is the pool's coroutine that asks neonize for a pairing code (under its lifecycle
    lock); it is started once, after the first QR of a session paired by phone. ``clock`` dates each login, so
    the pool can tell a stable connection from a flapping one.
    """

    def __init__(
        self,
        counters: Counters,
        *,
        on_message: MessageCallback | None,
        on_reaction: ReactionCallback | None,
        request_pair_code: Callable[[Session], Coroutine[Any, Any, None]],
        clock: Callable[[], float],
    ) -> None:
        self._counters = counters
        self._clock = clock
        self._on_message = on_message
        self._on_reaction = on_reaction
        self._request_pair_code = request_pair_code

    def listen(self, *, on_message: MessageCallback | None, on_reaction: ReactionCallback | None) -> None:
        """Replace the message and reaction callbacks."""
        self._on_message = on_message
        self._on_reaction = on_reaction

    def register(self, session: Session) -> None:
        """Register this session's handlers (and QR callback) on its client."""
        handlers: dict[type[Any], Callable[[Session, Any], None]] = {
            QR: lambda s, ev: self._on_qr(s, ev.Codes[0] if ev.Codes else ""),
            PairStatus: self._on_pair_status,
            Connected: self._on_connected,
            Disconnected: self._on_disconnected,
            ConnectFailure: self._on_connect_failure,
            LoggedOut: self._on_logged_out,
            StreamReplaced: lambda s, ev: s.enter_terminal(
                SessionState.REPLACED, "stream replaced: another client logged in with this account"
            ),
            TemporaryBan: self._on_temporary_ban,
            MessageEvent: self._on_message_event,
        }
        for event_type, handle in handlers.items():
            session.handlers[_event_code(event_type)] = self._guarded(session, handle)
            session.client.event(event_type)(session.handlers[_event_code(event_type)])

        on_qr_bytes = self._guarded(
            session, lambda s, payload: self._on_qr(s, payload.decode("utf-8", "replace"))
        )
        session.client.event.qr(on_qr_bytes)

    def unregister(self, session: Session) -> None:
        """Remove every handler registered for this session, so the client no longer references it."""
        registered = session.client.event.list_func
        for code, handler in session.handlers.items():
            if registered.get(code) is handler:
                del registered[code]
        session.handlers.clear()
        session.client.event.qr(_ignore_qr)

    def _guarded(
        self, session: Session, handle: Callable[[Session, Any], None]
    ) -> Callable[[Any, Any], Awaitable[None]]:
        async def handler(_client: Any, event: Any) -> None:
            # neonize schedules handlers with run_coroutine_threadsafe and never reads the result: log instead
            # of raising
            if session.stopping:
                return
            try:
                handle(session, event)
            except Exception:
                log.exception("company %s: handling %s failed", session.company_id, type(event).__name__)

        return handler

    def _on_qr(self, session: Session, payload: str) -> None:
        # neonize may report one QR both through its QR callback and as a QR event: handle it once
        if session.paired.done() or not payload or payload == session.qr:
            return
        first = session.qr is None
        session.new_qr(payload)
        session.state = SessionState.PAIRING
        session.pairing_started.set()
        session.first_signal.set()
        if first and session.phone is not None:
            session.spawn(self._request_pair_code(session))

    def _on_pair_status(self, session: Session, event: PairStatus) -> None:
        if event.Error:
            session.last_error = f"pairing failed: {event.Error}"

    def _on_connected(self, session: Session, _event: Connected) -> None:
        session.state = SessionState.CONNECTED
        session.reconnect_attempt = 0
        session.last_error = None
        session.breaker.record_success()
        session.connected_at = self._clock()
        session.connected.set()
        if session.pairing_timer is not None:
            session.pairing_timer.cancel()
            session.pairing_timer = None
        session.end_pairing(None)
        session.first_signal.set()

    def _on_disconnected(self, session: Session, _event: Disconnected) -> None:
        if not session.terminal:
            session.state = SessionState.RECONNECTING
            session.dropped.set()

    def _on_connect_failure(self, session: Session, event: ConnectFailure) -> None:
        reason = _enum_name(ConnectFailure, "Reason", event.Reason)
        if reason in _TERMINAL_CONNECT_FAILURES:
            state = SessionState.BANNED if reason == "TEMP_BANNED" else SessionState.LOGGED_OUT
            session.enter_terminal(state, f"connect refused: {reason} {event.Message}".strip())
            return
        session.last_error = f"connect failure: {reason} {event.Message}".strip()
        session.first_signal.set()
        session.dropped.set()

    def _on_logged_out(self, session: Session, event: LoggedOut) -> None:
        reason = _enum_name(LoggedOut, "Reason", event.Reason)
        session.enter_terminal(SessionState.LOGGED_OUT, f"logged out by WhatsApp ({reason})")

    def _on_temporary_ban(self, session: Session, event: TemporaryBan) -> None:
        code = _enum_name(TemporaryBan, "Code", event.Code)
        session.enter_terminal(
            SessionState.BANNED, f"temporarily banned: {code}, expires in {event.Expire} s"
        )

    def _on_message_event(self, session: Session, event: MessageEvent) -> None:
        reaction = incoming_reaction(session.company_id, event)
        if reaction is not None:
            self._counters.reactions_received += 1
            if self._on_reaction is not None:
                session.spawn(self._deliver(session, self._on_reaction, reaction))
            return
        message = incoming_message(session.company_id, event)
        if message is None:
            return
        self._counters.messages_received += 1
        session.recent.remember(
            message.message_id, chat=message.chat, sender=message.sender, is_group=message.is_group
        )
        if self._on_message is not None:
            session.spawn(self._deliver(session, self._on_message, message))

    async def _deliver(
        self, session: Session, callback: Callable[[Any], Awaitable[object]], item: Any
    ) -> None:
        try:
            await callback(item)
        except Exception:
            log.exception("company %s: the message callback failed", session.company_id)


def _event_code(event_type: type[Any]) -> int:
    return int(EVENT_TO_INT[event_type])


async def _ignore_qr(_client: Any, _payload: bytes) -> None:
    """Installed as the QR callback of a removed client so it no longer references its session."""


def _enum_name(event_type: type[Any], field: str, number: int) -> str:
    values = event_type.DESCRIPTOR.fields_by_name[field].enum_type.values_by_number
    return str(values[number].name) if number in values else str(number)
