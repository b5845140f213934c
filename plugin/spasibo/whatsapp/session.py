"""One company's WhatsApp session: its client, state, breaker, recent messages, tasks and pairing progress.

The pool owns the behaviour; a ``Session`` only holds everything that belongs to one company, so removing a
company means dropping one object after its tasks are cancelled and its handlers unregistered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from enum import StrEnum
from typing import Any

from spasibo.phone import mask_phone
from spasibo.whatsapp.breaker import CircuitBreaker
from spasibo.whatsapp.client import WhatsAppClient
from spasibo.whatsapp.errors import PairingFailedError, PairingTimeoutError
from spasibo.whatsapp.recent import RecentMessages
from spasibo.whatsapp.stats import SessionInfo

log = logging.getLogger("spasibo.whatsapp.pool")


class SessionState(StrEnum):
    """Where a session is in its life. The last four are terminal: the pool never reconnects from them.

    The network never makes a session terminal: after the fast reconnect attempts it is ``offline`` and keeps
    retrying on a slow, capped, jittered schedule.
    """

    CONNECTING = "connecting"
    PAIRING = "pairing"  # a QR (or pairing code) is waiting for the phone
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"  # the fast reconnects failed: retrying on the slow schedule until the network returns
    LOGGED_OUT = "logged_out"
    BANNED = "banned"
    REPLACED = "replaced"  # another client took over the login (stream replaced)
    FAILED = "failed"  # a device that was never paired did not pair within the pairing timeout


TERMINAL_STATES = frozenset(
    {SessionState.LOGGED_OUT, SessionState.BANNED, SessionState.REPLACED, SessionState.FAILED}
)


class Session:
    """Everything the pool keeps for one company (internal; callers see ``SessionInfo`` and
    ``PairingInfo``).
    """

    def __init__(
        self,
        company_id: str,
        client: WhatsAppClient,
        *,
        phone: str | None,
        breaker: CircuitBreaker,
        recent: RecentMessages,
    ) -> None:
        self.company_id = company_id
        self.client = client
        self.phone = phone
        self.breaker = breaker
        self.recent = recent
        self.state = SessionState.CONNECTING
        self.last_error: str | None = None
        self.terminal_reason: str | None = None
        self.reconnect_attempt = 0
        self.connects = 0  # connect() calls over the session's life (each leaks a neonize database handle)
        self.connected_at: float | None = None  # when the current connection logged in (the pool's clock)
        self.stopping = False
        self.qr: str | None = None
        self.pair_code: str | None = None
        self.handlers: dict[int, Callable[[Any, Any], Awaitable[None]]] = {}
        self.tasks: set[asyncio.Task[Any]] = set()
        self.send_tasks: set[asyncio.Task[Any]] = set()
        self.connect_task: asyncio.Task[None] | None = None
        self.pairing_timer: asyncio.Task[Any] | None = None
        # signals, all owned by the loop the pool runs on
        self.paired: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.first_signal = asyncio.Event()  # any sign of life after a connect: QR, connected, failure
        self.connected = asyncio.Event()
        self.dropped = asyncio.Event()  # wakes the supervisor: disconnected, terminal, health failure
        self.pair_code_ready = asyncio.Event()
        self.qr_changed = asyncio.Event()
        self.pairing_started = asyncio.Event()  # the first QR: WhatsApp holds no login for this device
        self.on_terminal: Callable[[Session], None] | None = None  # the pool's notice to its observers

    @property
    def terminal(self) -> bool:
        """True once the session reached a state it is never reconnected from."""
        return self.state in TERMINAL_STATES

    def spawn(self, coro: Coroutine[Any, Any, Any], *, send: bool = False) -> asyncio.Task[Any]:
        """Run ``coro`` as a task owned by this session; it forgets the task when it ends."""
        task = asyncio.get_running_loop().create_task(coro)
        bucket = self.send_tasks if send else self.tasks
        bucket.add(task)
        task.add_done_callback(bucket.discard)
        return task

    def new_qr(self, payload: str) -> None:
        """Record a QR payload and wake whoever waits for the next one."""
        self.qr = payload
        self.qr_changed.set()
        self.qr_changed = asyncio.Event()

    def end_pairing(self, error: BaseException | None) -> None:
        """Resolve the pairing future once: success, or the error the caller of ``wait_paired()`` gets."""
        if self.paired.done():
            return
        if error is None:
            self.paired.set_result(None)
        else:
            self.paired.set_exception(error)
            self.paired.exception()  # mark retrieved: nobody may be waiting, which is not a bug
        self.pair_code_ready.set()
        self.first_signal.set()
        self.qr_changed.set()

    def enter_terminal(self, state: SessionState, reason: str, error: BaseException | None = None) -> None:
        """Move to a terminal state with ``reason``: no more reconnects; the supervisor stops the client.

        A pending pairing fails with ``error`` (``PairingFailedError`` naming the reason by default).
        """
        if self.terminal:
            return
        self.state = state
        self.terminal_reason = reason
        log.warning("company %s: WhatsApp session %s: %s", self.company_id, state.value, reason)
        self.end_pairing(error or PairingFailedError(f"company {self.company_id!r}: {reason}"))
        self.dropped.set()
        if self.on_terminal is not None:
            self.on_terminal(self)

    def info(self) -> SessionInfo:
        """A snapshot for ``SessionPool.sessions()``."""
        return SessionInfo(
            company_id=self.company_id,
            state=self.state.value,
            phone_masked=mask_phone(self.phone),
            breaker_state=self.breaker.state.value,
            breaker_retry_after_s=round(self.breaker.retry_after_s(), 3),
            reconnect_attempt=self.reconnect_attempt,
            connects=self.connects,
            last_error=self.last_error,
            terminal_reason=self.terminal_reason,
        )


class PairingInfo:
    """What ``add_session`` returns: the pairing's live state, its QR payload or pairing code, and waits.

    ``qr`` is the text to render as a QR code (WhatsApp rotates it; ``await next_qr()`` gives the next one);
    ``pair_code`` is the code to type on the phone when pairing by phone number.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self.company_id = session.company_id
        self.method = "phone" if session.phone else "qr"

    @property
    def state(self) -> str:
        """The session's current state (``pairing``, ``connected``, ``reconnecting``, or a terminal one)."""
        return self._session.state.value

    @property
    def qr(self) -> str | None:
        """The latest QR payload, or None when none was issued (stored login, or pairing by code)."""
        return self._session.qr

    @property
    def pair_code(self) -> str | None:
        """The pairing code to enter on the phone (pairing by phone number only)."""
        return self._session.pair_code

    @property
    def last_error(self) -> str | None:
        """Why the last connect attempt failed, if it did."""
        return self._session.last_error

    async def wait_paired(self) -> None:
        """Return once the session is logged in; raise ``PairingTimeoutError`` or ``PairingFailedError``."""
        await asyncio.shield(self._session.paired)

    async def next_qr(self) -> str:
        """Wait for the next QR payload WhatsApp issues; raises if pairing ended first."""
        waiter = self._session.qr_changed
        await waiter.wait()
        if self._session.paired.done():
            self._session.paired.result()  # raises the pairing error
            raise PairingFailedError(f"company {self.company_id!r}: already paired, no more QR codes")
        if self._session.qr is None:
            raise PairingTimeoutError(f"company {self.company_id!r}: no QR code was issued")
        return self._session.qr
