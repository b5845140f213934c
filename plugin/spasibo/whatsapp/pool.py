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
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Self

from neonize.exc import NeonizeError

from spasibo.models import ReactionResult
from spasibo.phone import mask_phone
from spasibo.whatsapp.breaker import BreakerState, CircuitBreaker
from spasibo.whatsapp.client import ClientFactory, WhatsAppClient, neonize_client_factory
from spasibo.whatsapp.errors import (
    CircuitOpenError,
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
from spasibo.whatsapp.handlers import MessageCallback, ReactionCallback, SessionEventHandlers
from spasibo.whatsapp.reach import Reach, tcp_reach
from spasibo.whatsapp.reactions import ReactionTarget, build_reaction, parse_jid, resolve_target
from spasibo.whatsapp.recent import RecentMessages
from spasibo.whatsapp.session import PairingInfo, Session, SessionState
from spasibo.whatsapp.settings import PoolSettings
from spasibo.whatsapp.stats import Counters, PoolStats, SessionInfo
from spasibo.whatsapp.validation import (
    validate_company_id,
    validate_emoji,
    validate_message_id,
    validate_phone,
)

log = logging.getLogger(__name__)

TRANSPORT_NAME = "whatsapp"
# what WhatsApp (through neonize) fails with: its errors, a send that timed out, the network
WHATSAPP_FAILURES = (NeonizeError, TimeoutError, OSError)
Sleep = Callable[[float], Awaitable[None]]
TerminalCallback = Callable[[SessionInfo], Awaitable[object]]


class SessionPool:
    """WhatsApp sessions for many companies in one process, on neonize.

    ``async with SessionPool(settings, on_message=app.feed) as pool`` starts it (sizing the executor and
    starting the health check) and leaves nothing behind on exit. ``client_factory`` makes one client per
    company (real neonize by default; ``spasibo.testing.whatsapp.FakeClientFactory`` in tests). ``reach`` is
    asked before every reconnect whether WhatsApp can be reached (see ``spasibo.whatsapp.reach``): by
    default a TCP probe of ``settings.reach_host`` for the real client, none for a custom factory (its
    clients fail fast on their own) unless given. ``clock``, ``sleep`` and ``rng`` are injectable so backoff,
    cooldowns and timeouts can be tested without waiting.
    """

    def __init__(
        self,
        settings: PoolSettings | None = None,
        *,
        client_factory: ClientFactory | None = None,
        on_message: MessageCallback | None = None,
        on_reaction: ReactionCallback | None = None,
        on_session_terminal: TerminalCallback | None = None,
        reach: Reach | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings or PoolSettings()
        self._client_factory = client_factory or neonize_client_factory
        s = self.settings
        if reach is None and client_factory is None and s.reach_host is not None:
            reach = tcp_reach(s.reach_host, s.reach_port, s.reach_timeout_s)
        self._reach = reach
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._sessions: dict[str, Session] = {}
        self._lifecycle_lock: asyncio.Lock | None = None
        self._health_task: asyncio.Task[None] | None = None
        self._counters = Counters()
        self._handlers = SessionEventHandlers(
            self._counters,
            on_message=on_message,
            on_reaction=on_reaction,
            request_pair_code=self._request_pair_code,
            clock=clock,
        )
        self._on_session_terminal = on_session_terminal
        self._notices: set[asyncio.Task[Any]] = set()
        self._running = False
        self._closing = False

    def listen(
        self,
        *,
        on_message: MessageCallback | None = None,
        on_reaction: ReactionCallback | None = None,
        on_session_terminal: TerminalCallback | None = None,
    ) -> None:
        """Set the callbacks for what sessions receive (as in the constructor), once the receiver exists."""
        self._handlers.listen(on_message=on_message, on_reaction=on_reaction)
        self._on_session_terminal = on_session_terminal

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
            _, late = await asyncio.wait(in_flight, timeout=self.settings.shutdown_deadline_s)
            for task in late:  # their callers learn at the deadline, not after every client has stopped
                task.cancel()
        for company_id in list(self._sessions):
            await self.remove_session(company_id)
        if self._notices:
            await asyncio.wait(list(self._notices), timeout=self.settings.shutdown_deadline_s)
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
        company_id = validate_company_id(company_id, self.settings.company_id_max_length)
        normalized_phone = validate_phone(phone, self.settings.default_region) if phone is not None else None
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
        session.on_terminal = self._notify_terminal
        self._sessions[company_id] = session
        try:
            self._handlers.register(session)
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
        self._handlers.unregister(session)
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

    def has_session(self, company_id: str) -> bool:
        """Whether ``company_id`` has a session in this pool, in any state (no snapshot is built)."""
        return company_id in self._sessions

    def session(self, company_id: str) -> SessionInfo:
        """A snapshot of one session; ``UnknownCompanyError`` when there is none."""
        return self._session(company_id).info()

    def client_of(self, company_id: str) -> WhatsAppClient:
        """The client behind ``company_id``'s session (for tests and the fake-only inject endpoint)."""
        return self._session(company_id).client

    def stats(self) -> PoolStats:
        """Counters since start and sessions by state (``active`` = connected)."""
        by_state = Counter(session.state.value for session in self._sessions.values())
        c = self._counters
        return PoolStats(
            reactions_sent=c.reactions_sent,
            reactions_failed=c.reactions_failed,
            reconnects=c.reconnects,
            connects=c.connects,
            unreachable=c.unreachable,
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
        self,
        company_id: str,
        chat: str,
        emoji: str,
        message_id: str,
        sender: str | None = None,
        *,
        from_me: bool = False,
    ) -> ReactionResult:
        """React with ``emoji`` (``""`` removes a reaction) on ``message_id`` in ``chat`` of ``company_id``.

        ``from_me=True`` reacts to a message the business itself sent in ``chat`` (no ``sender`` needed).

        ``chat`` is a JID as the message arrived or a phone number. A message the session saw recently is
        addressed exactly as it arrived; an unseen direct message goes to ``chat`` (a phone number becomes a
        direct chat); an unseen group message needs ``sender`` or raises ``UnknownGroupMessageError``. Raises
        input errors (``InvalidEmojiError``, ``InvalidMessageIdError``, ...), ``UnknownCompanyError``,
        ``SessionNotConnectedError``, ``CircuitOpenError`` or ``SendFailedError``.
        """
        self._require_running()
        company_id = validate_company_id(company_id, self.settings.company_id_max_length)
        message_id = validate_message_id(message_id, self.settings.message_id_max_length)
        emoji = validate_emoji(emoji)
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
            sender=sender or (chat if from_me else None),
            default_region=self.settings.default_region,
        )
        if not session.breaker.allow():
            raise CircuitOpenError(
                f"company {company_id!r}: too many consecutive WhatsApp failures; calls paused",
                retry_after_s=session.breaker.retry_after_s(),
            )
        task = session.spawn(self._send(session, target, message_id, emoji, from_me), send=True)
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

    def address_of(
        self, company_id: str, chat: str, message_id: str, sender: str | None = None
    ) -> ReactionTarget:
        """Where ``send_reaction`` would send a reaction on ``message_id`` now (the same rules, the same input
        errors, ``UnknownCompanyError``, ``UnknownGroupMessageError``), so a caller can limit what is really
        addressed rather than what a request claims.
        """
        session = self._session(company_id)
        return resolve_target(
            session.recent,
            chat=chat,
            message_id=message_id,
            sender=sender,
            default_region=self.settings.default_region,
        )

    async def _send(
        self, session: Session, target: ReactionTarget, message_id: str, emoji: str, from_me: bool
    ) -> str:
        try:
            async with asyncio.timeout(self.settings.send_timeout_s):
                message = await build_reaction(session.client, target, message_id, emoji, from_me=from_me)
                response = await session.client.send_message(parse_jid(target.chat), message)
        except asyncio.CancelledError:
            session.breaker.cancel_trial()
            self._counters.reactions_failed += 1
            raise
        except Exception as error:
            # only WhatsApp's own failures say the session is unwell; a reaction that could not even be
            # built or encoded here must not pause the company for every other customer
            if isinstance(error, WHATSAPP_FAILURES):
                self._record_failure(session, f"send failed: {error}")
            else:
                log.warning("company %s: reaction not sent, not counted: %r", session.company_id, error)
            self._counters.reactions_failed += 1
            raise SendFailedError(f"company {session.company_id!r}: reaction not sent: {error}") from error
        session.breaker.record_success()
        self._counters.reactions_sent += 1
        return str(response.ID)

    # ------------------------------------------------------------------ supervision

    async def _supervise(self, session: Session) -> None:
        """Connect, wait for the connection to end, reconnect with backoff; stop only at a terminal state.

        The network never ends this loop: after ``reconnect_max_attempts`` fast attempts the session is
        ``offline`` and retries on the slow schedule for as long as it takes. Each neonize connect leaks a
        database handle, so a reconnect first asks ``reach`` (an unreachable WhatsApp costs nothing), and a
        connection that drops before ``stable_connection_s`` keeps backing off instead of starting over.
        """
        attempt = 0
        while not session.stopping and not session.terminal:
            if attempt > 0:
                slow = attempt > self.settings.reconnect_max_attempts
                session.state = SessionState.OFFLINE if slow else SessionState.RECONNECTING
                session.reconnect_attempt = attempt
                await self._sleep(self._offline_retry_s() if slow else self._backoff_s(attempt))
                if session.stopping or session.terminal:
                    break
                if not await self._reachable(session):
                    attempt += 1
                    continue
                self._counters.reconnects += 1
            session.connected.clear()
            session.dropped.clear()
            session.connected_at = None
            try:
                task = await self._connect(session)
                if task is None:
                    break
                await self._wait_for_end(session, task)
            except Exception as error:  # a failed connect (offline, DNS, refused) is retryable by design
                session.last_error = f"connect failed: {error or type(error).__name__}"
            if session.stopping or session.terminal:
                break
            if session.state is not SessionState.OFFLINE:
                session.state = SessionState.RECONNECTING
            session.first_signal.set()  # add_session returns now, reporting the failure
            attempt = self._next_attempt(session, attempt)
            await self._stop_client(session)
        if session.terminal and not session.stopping:
            await self._stop_client(session)
            self._handlers.unregister(session)

    def _next_attempt(self, session: Session, attempt: int) -> int:
        """The attempt number after a connection ended: 1 after a stable connection, else one more."""
        if session.connected_at is None:
            self._record_failure(session, session.last_error or "connect failed")
            return attempt + 1
        lasted_s = self._clock() - session.connected_at
        if lasted_s >= self.settings.stable_connection_s:
            return 1  # it worked: a fresh series of attempts
        # a flapping connection: each reconnect leaks a database handle, so it backs off like a failure
        session.last_error = f"connection dropped after {lasted_s:.0f} s"
        return attempt + 1

    async def _reachable(self, session: Session) -> bool:
        """Ask ``reach`` (if any) whether WhatsApp can be reached; record why not."""
        if self._reach is None:
            return True
        try:
            await self._reach()
        except OSError as error:
            self._counters.unreachable += 1
            self._record_failure(session, f"WhatsApp unreachable: {error or type(error).__name__}")
            return False
        return True

    async def _connect(self, session: Session) -> asyncio.Task[None] | None:
        """``client.connect()`` under the lifecycle lock, held until the client shows a first sign of life."""
        assert self._lifecycle_lock is not None
        session.first_signal.clear()
        async with self._lifecycle_lock:
            if session.stopping or session.terminal:
                return None
            self._counters.connects += 1
            session.connects += 1
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

    def _offline_retry_s(self) -> float:
        """The slow schedule after the fast attempts: ``offline_retry_interval_s`` ± the jitter ratio."""
        ratio = self.settings.reconnect_jitter_ratio
        return self.settings.offline_retry_interval_s * (1 + self._rng.uniform(-ratio, ratio))

    async def _pairing_timer(self, session: Session) -> None:
        """Fail the pairing (and stop the half-open client) if no login happens within
        ``pairing_timeout_s`` of the first QR. A session with a stored login never shows a QR, so an
        unreachable network never times it out: it keeps reconnecting.
        """
        await session.pairing_started.wait()
        await self._sleep(self.settings.pairing_timeout_s)
        if session.paired.done() or session.stopping:
            return
        timeout_s = self.settings.pairing_timeout_s
        session.enter_terminal(
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

    # ------------------------------------------------------------------ helpers

    def _notify_terminal(self, session: Session) -> None:
        """Tell ``on_session_terminal`` (in a task the pool owns: it outlives the session's removal)."""
        if self._on_session_terminal is None:
            return
        task = asyncio.get_running_loop().create_task(self._deliver_terminal(session.info()))
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    async def _deliver_terminal(self, info: SessionInfo) -> None:
        assert self._on_session_terminal is not None
        try:
            await self._on_session_terminal(info)
        except Exception:
            log.exception("company %s: the session-terminal callback failed", info.company_id)

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
            # The connection task ends once the client is stopped. asyncio.wait (unlike wait_for under a
            # blanket suppress) lets the caller's own cancellation through while we wait for it.
            await asyncio.wait({task}, timeout=self.settings.lifecycle_call_timeout_s)
            if not task.done():
                task.cancel()
            elif not task.cancelled():
                task.exception()  # read it, so no "exception was never retrieved" is logged

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

    def breaker_state(self, company_id: str) -> BreakerState:
        """The circuit breaker state of one company."""
        return self._session(company_id).breaker.state


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
