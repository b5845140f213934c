"""The multi-tenant WhatsApp session pool: one neonize client per company, paired, supervised, sent through.

Lifecycle calls into neonize (connect, stop, logout, pair) go through one lock, as neonize's Go side keeps
its clients in maps without a lock and concurrent connect/stop can abort the process. A connect is only
considered done (and the lock released) once the client showed a first sign of life, since the Go-side
registration happens in a worker thread after ``connect()`` returns. Each live client blocks one thread of the
loop's default executor for its whole life, so the pool sizes that executor for ``max_sessions``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Self

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

from spasibo.emoji import InvalidEmojiError as _EmojiError
from spasibo.emoji import validate_reaction_emoji
from spasibo.models import IncomingMessage, ReactionResult
from spasibo.phone import InvalidPhoneError as _PhoneError
from spasibo.phone import mask_phone, normalize_phone
from spasibo.whatsapp.breaker import BreakerState, CircuitBreaker
from spasibo.whatsapp.client import ClientFactory, neonize_client_factory
from spasibo.whatsapp.errors import (
    CircuitOpenError,
    InvalidCompanyIdError,
    InvalidEmojiError,
    InvalidMessageIdError,
    InvalidPhoneError,
    LogoutFailedError,
    PairingFailedError,
    PairingTimeoutError,
    PoolClosedError,
    PoolFullError,
    SendFailedError,
    SessionExistsError,
    SessionNotConnectedError,
    UnknownCompanyError,
)
from spasibo.whatsapp.events import IncomingReaction, incoming_message, incoming_reaction
from spasibo.whatsapp.reactions import build_reaction, parse_jid, resolve_target
from spasibo.whatsapp.recent import RecentMessages
from spasibo.whatsapp.session import PairingInfo, Session, SessionState
from spasibo.whatsapp.settings import PoolSettings
from spasibo.whatsapp.stats import Counters, PoolStats, SessionInfo

log = logging.getLogger(__name__)

TRANSPORT_NAME = "whatsapp"
_COMPANY_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TERMINAL_CONNECT_FAILURES = {
    "LOGGED_OUT",
    "TEMP_BANNED",
    "MAIN_DEVICE_GONE",
    "UNKNOWN_LOGOUT",
    "CLIENT_OUTDATED",
}

MessageCallback = Callable[[IncomingMessage], Awaitable[object]]
ReactionCallback = Callable[[IncomingReaction], Awaitable[object]]
Sleep = Callable[[float], Awaitable[None]]


class SessionPool:
    """WhatsApp sessions for many companies in one process, on neonize.

    ``async with SessionPool(settings, on_message=app.feed) as pool`` starts it (sizing the executor and
    starting
    the health check) and leaves nothing behind on exit. ``client_factory`` makes one client per company (real
    neonize by default; ``spasibo.testing.whatsapp.FakeClientFactory`` in tests); ``clock``, ``sleep`` and
    ``rng`` are injectable so backoff, cooldowns and timeouts can be tested without waiting.
    """

    def __init__(
        self,
        settings: PoolSettings | None = None,
        *,
        client_factory: ClientFactory | None = None,
        on_message: MessageCallback | None = None,
        on_reaction: ReactionCallback | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings or PoolSettings()
        self._client_factory = client_factory or neonize_client_factory
        self._on_message = on_message
        self._on_reaction = on_reaction
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._sessions: dict[str, Session] = {}
        self._lifecycle_lock: asyncio.Lock | None = None
        self._health_task: asyncio.Task[None] | None = None
        self._counters = Counters()
        self._running = False
        self._closing = False

    # ------------------------------------------------------------------ start / stop

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.shutdown()

    async def start(self) -> None:
        """Size the loop's default executor and start the periodic health check. Errors propagate."""
        if self._running:
            return
        loop = asyncio.get_running_loop()
        if self.settings.size_default_executor:
            loop.set_default_executor(
                ThreadPoolExecutor(self.settings.executor_max_workers, thread_name_prefix="spasibo-whatsapp")
            )
        self._lifecycle_lock = asyncio.Lock()
        self._closing = False
        self._running = True
        self._health_task = loop.create_task(self._health_loop(), name="spasibo-whatsapp-health")

    async def shutdown(self) -> None:
        """Remove every session and stop every task; in-flight sends get ``shutdown_deadline_s`` to finish.

        Sends still running at the deadline are cancelled and their callers get ``SendFailedError``.
        """
        if not self._running:
            return
        self._closing = True
        in_flight = [task for session in self._sessions.values() for task in session.send_tasks]
        if in_flight:
            await asyncio.wait(in_flight, timeout=self.settings.shutdown_deadline_s)
        for company_id in list(self._sessions):
            await self.remove_session(company_id)
        if self._health_task is not None:
            self._health_task.cancel()
            await asyncio.gather(self._health_task, return_exceptions=True)
        self._health_task = None
        self._running = False

    # ------------------------------------------------------------------ sessions

    async def add_session(self, company_id: str, phone: str | None = None) -> PairingInfo:
        """Create and connect the session of ``company_id``; pair by QR, or by code when ``phone`` is given.

        Returns once the client showed a first sign of life: a QR payload, a login from stored
        credentials, or a failed connect (the session then retries in the background). With ``phone`` it
        also waits for the pairing code, requested after the first QR. ``await info.wait_paired()`` waits
        for the login; pairing times out after ``pairing_timeout_s``. Raises ``SessionExistsError``,
        ``InvalidCompanyIdError``, ``InvalidPhoneError``, ``PoolFullError`` or ``PoolClosedError``.
        """
        self._require_running()
        company_id = self._validate_company_id(company_id)
        normalized_phone = self._validate_phone(phone) if phone is not None else None
        if company_id in self._sessions:
            raise SessionExistsError(
                f"company {company_id!r} already has a WhatsApp session; remove it first"
            )
        if len(self._sessions) >= self.settings.max_sessions:
            raise PoolFullError(f"the pool already holds max_sessions={self.settings.max_sessions} sessions")
        client = self._client_factory(company_id, self.settings)
        session = Session(
            company_id,
            client,
            phone=normalized_phone,
            breaker=CircuitBreaker(
                failure_threshold=self.settings.breaker_failure_threshold,
                cooldown_s=self.settings.breaker_cooldown_s,
                clock=self._clock,
            ),
            recent=RecentMessages(
                capacity=self.settings.recent_messages_per_company,
                ttl_s=self.settings.recent_message_ttl_s,
                clock=self._clock,
            ),
        )
        self._sessions[company_id] = session
        try:
            self._register_handlers(session)
            session.pairing_timer = session.spawn(self._pairing_timer(session))
            session.spawn(self._supervise(session))
            await self._wait_event(session.first_signal, self.settings.lifecycle_call_timeout_s)
            if normalized_phone is not None:
                await self._wait_event(session.pair_code_ready, self.settings.lifecycle_call_timeout_s)
        except BaseException:
            if self._sessions.get(company_id) is session:
                await self.remove_session(company_id)
            raise
        log.debug(
            "whatsapp session %s added (%s, phone %s)", company_id, session.state, mask_phone(session.phone)
        )
        return PairingInfo(session)

    async def remove_session(self, company_id: str) -> None:
        """Stop ``company_id``'s client and forget it: handlers, tasks, breaker, recent messages, everything.

        Its pending sends fail with ``SendFailedError`` and a pending pairing with ``PairingFailedError``.
        """
        session = self._sessions.pop(company_id, None)
        if session is None:
            raise UnknownCompanyError(f"company {company_id!r} has no WhatsApp session")
        session.stopping = True
        session.end_pairing(PairingFailedError(f"company {company_id!r}: the session was removed"))
        current = asyncio.current_task()
        tasks = [t for t in (*session.tasks, *session.send_tasks) if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._stop_client(session)
        self._unregister_handlers(session)
        session.recent.clear()
        log.debug("whatsapp session %s removed", company_id)

    async def logout(self, company_id: str) -> None:
        """Log ``company_id`` out of WhatsApp (its stored login becomes invalid) and remove its session."""
        session = self._session(company_id)
        try:
            await self._lifecycle(session.client.logout(), "logout")
        except Exception as error:
            raise LogoutFailedError(
                f"company {company_id!r}: logout not confirmed ({error}); the session was removed"
            ) from error
        finally:
            await self.remove_session(company_id)

    def sessions(self) -> list[SessionInfo]:
        """A snapshot of every session, sorted by company id."""
        return [self._sessions[cid].info() for cid in sorted(self._sessions)]

    def session(self, company_id: str) -> SessionInfo:
        """A snapshot of one session; ``UnknownCompanyError`` when there is none."""
        return self._session(company_id).info()

    def stats(self) -> PoolStats:
        """Counters since start and sessions by state (``active`` = connected)."""
        by_state = Counter(session.state.value for session in self._sessions.values())
        c = self._counters
        return PoolStats(
            reactions_sent=c.reactions_sent,
            reactions_failed=c.reactions_failed,
            reconnects=c.reconnects,
            breaker_opens=c.breaker_opens,
            breakers_by_state=dict(Counter(s.breaker.state.value for s in self._sessions.values())),
            messages_received=c.messages_received,
            reactions_received=c.reactions_received,
            sessions_by_state=dict(by_state),
            sessions_active=by_state.get(SessionState.CONNECTED.value, 0),
            sessions_total=len(self._sessions),
            health_checks=c.health_checks,
        )

    def internal_sizes(self) -> dict[str, int]:
        """How many entries every internal structure holds (for leak tests and debugging)."""
        sessions = list(self._sessions.values())
        return {
            "sessions": len(sessions),
            "session_tasks": sum(len(s.tasks) for s in sessions),
            "send_tasks": sum(len(s.send_tasks) for s in sessions),
            "handlers": sum(len(s.handlers) for s in sessions),
            "recent_messages": sum(len(s.recent) for s in sessions),
            "health_tasks": int(self._health_task is not None and not self._health_task.done()),
        }

    # ------------------------------------------------------------------ sending

    async def send_reaction(
        self, company_id: str, chat: str, emoji: str, message_id: str, sender: str | None = None
    ) -> ReactionResult:
        """React with ``emoji`` (``""`` removes a reaction) on ``message_id`` in ``chat`` of ``company_id``.

        ``chat`` is a JID as the message arrived or a phone number. A message the session saw recently is
        addressed exactly as it arrived; an unseen direct message goes to ``chat`` (a phone number becomes a
        direct chat); an unseen group message needs ``sender`` or raises ``UnknownGroupMessageError``. Raises
        input errors (``InvalidEmojiError``, ``InvalidMessageIdError``, ...), ``UnknownCompanyError``,
        ``SessionNotConnectedError``, ``CircuitOpenError`` or ``SendFailedError``.
        """
        self._require_running()
        company_id = self._validate_company_id(company_id)
        message_id = self._validate_message_id(message_id)
        try:
            emoji = validate_reaction_emoji(emoji)
        except _EmojiError as error:
            raise InvalidEmojiError(str(error)) from None
        session = self._session(company_id)
        if session.state is not SessionState.CONNECTED:
            raise SessionNotConnectedError(
                f"company {company_id!r}: WhatsApp session is {session.state.value}"
                + (f" ({session.terminal_reason})" if session.terminal_reason else ""),
                state=session.state.value,
                retryable=not session.terminal,
            )
        target = resolve_target(
            session.recent,
            chat=chat,
            message_id=message_id,
            sender=sender,
            default_region=self.settings.default_region,
        )
        if not session.breaker.allow():
            raise CircuitOpenError(
                f"company {company_id!r}: too many consecutive WhatsApp failures; calls paused",
                retry_after_s=session.breaker.retry_after_s(),
            )
        task = session.spawn(self._send(session, target, message_id, emoji), send=True)
        try:
            response_id = await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled() and not _cancelling():
                raise SendFailedError(
                    f"company {company_id!r}: the session was removed or the pool shut down before the "
                    "reaction was sent"
                ) from None
            raise
        return ReactionResult(
            ok=True, transport=TRANSPORT_NAME, emoji=emoji, message_id=message_id, detail=response_id or None
        )

    async def _send(self, session: Session, target: Any, message_id: str, emoji: str) -> str:
        try:
            async with asyncio.timeout(self.settings.send_timeout_s):
                message = await build_reaction(session.client, target, message_id, emoji)
                response = await session.client.send_message(parse_jid(target.chat), message)
        except asyncio.CancelledError:
            session.breaker.cancel_trial()
            self._counters.reactions_failed += 1
            raise
        except Exception as error:
            self._record_failure(session, f"send failed: {error}")
            self._counters.reactions_failed += 1
            raise SendFailedError(f"company {session.company_id!r}: reaction not sent: {error}") from error
        session.breaker.record_success()
        self._counters.reactions_sent += 1
        return str(response.ID)

    # ------------------------------------------------------------------ supervision

    async def _supervise(self, session: Session) -> None:
        """Connect, wait for the connection to end, reconnect with backoff; stop at a terminal state."""
        attempt = 0
        while not session.stopping and not session.terminal:
            if attempt > 0:
                if attempt > self.settings.reconnect_max_attempts:
                    self._enter_terminal(
                        session,
                        SessionState.FAILED,
                        f"reconnect attempts exhausted after {self.settings.reconnect_max_attempts} tries"
                        + (f": {session.last_error}" if session.last_error else ""),
                    )
                    break
                session.state = SessionState.RECONNECTING
                session.reconnect_attempt = attempt
                await self._sleep(self._backoff_s(attempt))
                if session.stopping or session.terminal:
                    break
                self._counters.reconnects += 1
            session.connected.clear()
            session.dropped.clear()
            try:
                task = await self._connect(session)
                if task is None:
                    break
                await self._wait_for_end(session, task)
            except Exception as error:  # a failed connect (offline, DNS, refused) is retryable by design
                session.last_error = f"connect failed: {error or type(error).__name__}"
            if session.stopping or session.terminal:
                break
            session.state = SessionState.RECONNECTING
            session.first_signal.set()  # add_session returns now, reporting the failure
            if session.connected.is_set():
                attempt = 1  # it worked before dropping: start a fresh series of attempts
            else:
                self._record_failure(session, session.last_error or "connect failed")
                attempt += 1
            await self._stop_client(session)
        if session.terminal and not session.stopping:
            await self._stop_client(session)
            self._unregister_handlers(session)

    async def _connect(self, session: Session) -> asyncio.Task[None] | None:
        """``client.connect()`` under the lifecycle lock, held until the client shows a first sign of life."""
        assert self._lifecycle_lock is not None
        session.first_signal.clear()
        async with self._lifecycle_lock:
            if session.stopping or session.terminal:
                return None
            task = await asyncio.wait_for(session.client.connect(), self.settings.lifecycle_call_timeout_s)
            session.connect_task = task
            signal = asyncio.ensure_future(session.first_signal.wait())
            try:
                await asyncio.wait(
                    {task, signal},
                    timeout=self.settings.lifecycle_call_timeout_s,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                signal.cancel()
        return task

    async def _wait_for_end(self, session: Session, task: asyncio.Task[None]) -> None:
        """Wait until the connection task ends or the session drops; raise the task's error if it failed."""
        dropped = asyncio.ensure_future(session.dropped.wait())
        try:
            await asyncio.wait({task, dropped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            dropped.cancel()
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]

    def _backoff_s(self, attempt: int) -> float:
        """Exponential backoff from ``reconnect_base_delay_s``, capped, with ± ``reconnect_jitter_ratio``."""
        s = self.settings
        delay = min(s.reconnect_max_delay_s, s.reconnect_base_delay_s * 2.0 ** (attempt - 1))
        return max(0.0, delay * (1 + self._rng.uniform(-s.reconnect_jitter_ratio, s.reconnect_jitter_ratio)))

    async def _pairing_timer(self, session: Session) -> None:
        """Fail the pairing (and stop the half-open client) if no login happens within
        ``pairing_timeout_s``.
        """
        await self._sleep(self.settings.pairing_timeout_s)
        if session.paired.done() or session.stopping:
            return
        timeout_s = self.settings.pairing_timeout_s
        self._enter_terminal(
            session,
            SessionState.FAILED,
            f"pairing timed out after {timeout_s:g} s",
            PairingTimeoutError(f"company {session.company_id!r}: not paired within {timeout_s:g} s"),
        )

    async def _request_pair_code(self, session: Session) -> None:
        assert session.phone is not None
        try:
            code = await self._lifecycle(
                session.client.PairPhone(session.phone, self.settings.pair_code_show_push_notification),
                "pair",
            )
        except Exception as error:
            session.last_error = f"pairing code request failed: {error}"
            log.warning("company %s: %s", session.company_id, session.last_error)
        else:
            session.pair_code = str(code)
        session.pair_code_ready.set()

    async def _health_loop(self) -> None:
        """Every ``health_interval_s``: ask each connected client whether it still is; log active/total."""
        while True:
            await self._sleep(self.settings.health_interval_s)
            for session in list(self._sessions.values()):
                if session.state is not SessionState.CONNECTED or session.stopping:
                    continue
                try:
                    alive = await asyncio.wait_for(session.client.is_connected, self.settings.send_timeout_s)
                except Exception as error:
                    alive, session.last_error = False, f"health check failed: {error}"
                if not alive and session.state is SessionState.CONNECTED:
                    log.warning("company %s: health check found the client disconnected", session.company_id)
                    session.state = SessionState.RECONNECTING
                    session.dropped.set()
            stats = self.stats()
            self._counters.health_checks += 1
            self._counters.last_health = {"active": stats.sessions_active, "total": stats.sessions_total}
            log.info(
                "whatsapp pool health: %d active of %d sessions", stats.sessions_active, stats.sessions_total
            )

    # ------------------------------------------------------------------ events from neonize

    def _register_handlers(self, session: Session) -> None:
        handlers: dict[type[Any], Callable[[Session, Any], None]] = {
            QR: lambda s, ev: self._on_qr(s, ev.Codes[0] if ev.Codes else ""),
            PairStatus: self._on_pair_status,
            Connected: self._on_connected,
            Disconnected: self._on_disconnected,
            ConnectFailure: self._on_connect_failure,
            LoggedOut: self._on_logged_out,
            StreamReplaced: lambda s, ev: self._enter_terminal(
                s, SessionState.REPLACED, "stream replaced: another client logged in with this account"
            ),
            TemporaryBan: self._on_temporary_ban,
            MessageEvent: self._on_message_event,
        }
        for event_type, handle in handlers.items():
            session.handlers[_event_code(event_type)] = self._guarded(session, handle)
            session.client.event(event_type)(session.handlers[_event_code(event_type)])

        async def on_qr_bytes(_client: Any, payload: bytes) -> None:
            self._on_qr(session, payload.decode("utf-8", "replace"))

        session.client.event.qr(on_qr_bytes)

    def _unregister_handlers(self, session: Session) -> None:
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
            # neonize schedules handlers with run_coroutine_threadsafe and never reads the result: log,
            # don't raise
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
            self._enter_terminal(session, state, f"connect refused: {reason} {event.Message}".strip())
            return
        session.last_error = f"connect failure: {reason} {event.Message}".strip()
        session.first_signal.set()
        session.dropped.set()

    def _on_logged_out(self, session: Session, event: LoggedOut) -> None:
        reason = _enum_name(LoggedOut, "Reason", event.Reason)
        self._enter_terminal(session, SessionState.LOGGED_OUT, f"logged out by WhatsApp ({reason})")

    def _on_temporary_ban(self, session: Session, event: TemporaryBan) -> None:
        code = _enum_name(TemporaryBan, "Code", event.Code)
        self._enter_terminal(
            session, SessionState.BANNED, f"temporarily banned: {code}, expires in {event.Expire} s"
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

    def _enter_terminal(
        self, session: Session, state: SessionState, reason: str, error: BaseException | None = None
    ) -> None:
        """Move to a terminal state: no more reconnects; the supervisor stops the client."""
        if session.terminal:
            return
        session.state = state
        session.terminal_reason = reason
        log.warning("company %s: WhatsApp session %s: %s", session.company_id, state.value, reason)
        session.end_pairing(error or PairingFailedError(f"company {session.company_id!r}: {reason}"))
        session.dropped.set()

    # ------------------------------------------------------------------ helpers

    async def _lifecycle(self, call: Awaitable[Any], what: str) -> Any:
        """Run one neonize lifecycle call alone (see the module docstring), bounded in time."""
        assert self._lifecycle_lock is not None
        async with self._lifecycle_lock:
            try:
                return await asyncio.wait_for(call, self.settings.lifecycle_call_timeout_s)
            except TimeoutError:
                raise TimeoutError(
                    f"neonize {what} did not return within {self.settings.lifecycle_call_timeout_s:g} s"
                ) from None

    async def _stop_client(self, session: Session) -> None:
        task, session.connect_task = session.connect_task, None
        try:
            await self._lifecycle(session.client.stop(), "stop")
        except Exception as error:
            log.warning("company %s: stopping the client failed: %s", session.company_id, error)
        if task is not None:
            # the connection task ends once the client is stopped; collect its result so no error is left
            # unread
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, self.settings.lifecycle_call_timeout_s)

    def _record_failure(self, session: Session, error: str) -> None:
        session.last_error = error
        opens_before = session.breaker.opens
        session.breaker.record_failure()
        if session.breaker.opens > opens_before:
            self._counters.breaker_opens += 1
            log.warning("company %s: circuit breaker opened after %s", session.company_id, error)

    @staticmethod
    async def _wait_event(event: asyncio.Event, timeout_s: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout_s)

    def _session(self, company_id: str) -> Session:
        session = self._sessions.get(company_id)
        if session is None:
            raise UnknownCompanyError(f"company {company_id!r} has no WhatsApp session")
        return session

    def _require_running(self) -> None:
        if not self._running or self._closing:
            raise PoolClosedError(
                "the WhatsApp session pool is not running (use 'async with SessionPool(...)')"
            )

    def _validate_company_id(self, company_id: str) -> str:
        limit = self.settings.company_id_max_length
        if (
            not isinstance(company_id, str)
            or not company_id
            or len(company_id) > limit
            or not _COMPANY_ID_RE.fullmatch(company_id)
        ):
            raise InvalidCompanyIdError(
                f"company_id: expected 1-{limit} letters, digits, '.', '_' or '-' starting with a letter or "
                f"digit, got {company_id!r}"
            )
        return company_id

    def _validate_message_id(self, message_id: str) -> str:
        limit = self.settings.message_id_max_length
        if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > limit:
            raise InvalidMessageIdError(
                f"message_id: expected a non-empty string of at most {limit} characters, got {message_id!r}"
            )
        return message_id

    def _validate_phone(self, phone: str) -> str:
        try:
            return normalize_phone(phone, self.settings.default_region)
        except _PhoneError as error:
            raise InvalidPhoneError(str(error)) from None

    def breaker_state(self, company_id: str) -> BreakerState:
        """The circuit breaker state of one company."""
        return self._session(company_id).breaker.state


def _event_code(event_type: type[Any]) -> int:
    from neonize.events import EVENT_TO_INT

    return int(EVENT_TO_INT[event_type])


async def _ignore_qr(_client: Any, _payload: bytes) -> None:
    """Installed as the QR callback of a removed client so it no longer references its session."""


def _enum_name(event_type: type[Any], field: str, number: int) -> str:
    values = event_type.DESCRIPTOR.fields_by_name[field].enum_type.values_by_number
    return str(values[number].name) if number in values else str(number)


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
