"""A fake neonize client for tests: the real ``NewAClient`` surface and event registration, no network.

``FakeWhatsAppClient`` keeps the signatures of the ``NewAClient`` methods the pool uses (a test compares
them),
dispatches events through ``client.event.list_func`` exactly like neonize's ``Event.execute``, builds
reactions
with neonize's real ``build_reaction`` (Go library, offline) and answers with real ``SendResponse`` protobufs.
Tests drive it: ``client.show_qr()``, ``client.pair_success()``, ``client.disconnect_event()``,
``client.incoming_text(...)``; and script failures: ``client.connect_failures = 2``,
``client.send_error = ...``; or take the whole network down: ``factory.network.up = False`` (pass
``reach=factory.network.reach`` to the pool to probe it as the real pool probes WhatsApp).
``ManualClock`` replaces ``time.monotonic``/``asyncio.sleep`` so backoff and timeouts run without waiting.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from google.protobuf.message import Message as ProtoMessage
from neonize.events import EVENT_TO_INT
from neonize.exc import NeonizeError, PairPhoneError, SendMessageError
from neonize.proto.Neonize_pb2 import (
    JID,
    QR,
    Connected,
    ConnectFailureReason,
    Disconnected,
    LoggedOut,
    MessageInfo,
    MessageSource,
    PairStatus,
    SendResponse,
    StreamReplaced,
    TemporaryBan,
)
from neonize.proto.Neonize_pb2 import Message as MessageEvent
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message, ReactionMessage
from neonize.utils.enum import ClientName, ClientType

from spasibo.whatsapp.reactions import parse_jid
from spasibo.whatsapp.settings import PoolSettings

EventType = TypeVar("EventType", bound=ProtoMessage)
Handler = Callable[[Any, Any], Awaitable[None]]

OFFLINE_DIAL_ERROR = (
    "failed to dial whatsapp web websocket: failed to WebSocket dial: failed to send handshake request: Get "
    '"https://web.whatsapp.com/ws/chat": dial tcp: lookup web.whatsapp.com: no such host'
)  # what neonize 0.5.2 reports when connecting on a machine without DNS (observed here)
OFFLINE_PROBE_ERROR = "[Errno -3] Temporary failure in name resolution"  # asyncio's lookup, offline
FAKE_PAIR_CODE = "ABCD-EFGH"

_builder: Any = None


def _real_builder() -> Any:
    """One real neonize client, never connected, used only for its offline ``build_reaction``."""
    global _builder
    if _builder is None:
        from neonize.aioze.client import NewAClient

        _builder = NewAClient("spasibo-fake-builder.db", uuid="spasibo-fake-builder")
    return _builder


class FakeEvent:
    """neonize's ``aioze.events.Event``: ``list_func`` by event code, ``qr(f)``, ``event(Type)(handler)``."""

    def __init__(self, client: FakeWhatsAppClient) -> None:
        self.client = client
        self.list_func: dict[int, Handler] = {}
        self._qr: Callable[[Any, bytes], Awaitable[None]] | None = None

    def qr(self, f: Callable[[Any, bytes], Coroutine[None, None, None]]) -> None:
        """Set the QR callback (neonize calls it with the raw QR payload)."""
        self._qr = f

    def __call__(
        self, event: type[EventType]
    ) -> Callable[[Callable[[Any, EventType], Awaitable[None]]], None]:
        """Register a handler for one event type, replacing any earlier one (neonize's semantics)."""

        def callback(func: Callable[[Any, EventType], Awaitable[None]]) -> None:
            self.list_func.update({EVENT_TO_INT[event]: func})

        return callback


class FakeNetwork:
    """The network fake clients connect through: while ``up`` is False every connect fails like an offline
    machine and ``reach`` (a ``SessionPool`` ``reach`` probe) raises as the real TCP probe would.
    """

    def __init__(self) -> None:
        self.up = True
        self.probes = 0

    async def reach(self) -> None:
        """Return if the network is up, else raise ``OSError``; count every probe."""
        self.probes += 1
        if not self.up:
            raise OSError(OFFLINE_PROBE_ERROR)


class FakeWhatsAppClient:
    """Stands in for ``neonize.aioze.client.NewAClient`` without a network (see the module docstring)."""

    def __init__(
        self,
        name: str,
        jid: JID | None = None,
        props: Any = None,
        uuid: str | None = None,
        new_device: bool = False,
    ) -> None:
        self.name = name
        self.jid = jid
        self.uuid = (jid.User if jid else (uuid or name)).encode()
        self.event = FakeEvent(self)
        self.connected = False
        self.me: Any = None
        # scripting
        self.logged_in = False  # a stored login: connect() reports Connected instead of a QR
        self.auto_events = True  # connect() emits the QR (or Connected) by itself
        self.connect_failures = 0  # this many next connects fail like an offline machine
        self.network = FakeNetwork()  # the factory's shared one for its clients
        self.pair_phone_error: str | None = None
        self.send_error: str | None = None
        self.send_gate: asyncio.Event | None = None  # sends wait for it (to keep them in flight)
        self.real_build = True  # build reactions with neonize's Go code (False: a pure-Python equivalent)
        # records
        self.sent: list[tuple[JID, Message]] = []
        self.keep_sent: int | None = None  # only the last this many are kept in ``sent`` (None: all)
        self.sends = 0  # every message sent, kept or not
        self.connect_calls = 0
        self.stop_calls = 0
        self.logout_calls = 0
        self.pair_phone_calls: list[str] = []
        self._running: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._qr_counter = itertools.count(1)

    # ---- the NewAClient surface the pool uses (signatures compared with the real class in a test)

    async def connect(self, proxy_settings: Any = None) -> asyncio.Task[None]:
        """Start the connection task, which runs until ``stop()`` (or fails at once when scripted to)."""
        self.connect_calls += 1
        loop = asyncio.get_running_loop()
        if self.connect_failures > 0 or not self.network.up:
            self.connect_failures = max(0, self.connect_failures - 1)
            return loop.create_task(self._fail_connect())
        self._running = asyncio.Event()
        task = loop.create_task(self._run(self._running))
        if self.auto_events:
            loop.call_soon(self.pair_success if self.logged_in else self.show_qr)
        return task

    async def stop(self) -> None:
        """End the connection task."""
        self.stop_calls += 1
        self.connected = False
        if self._running is not None:
            self._running.set()
            self._running = None

    async def disconnect(self) -> None:
        """Close the connection (neonize's ``disconnect``)."""
        await self.stop()

    async def logout(self) -> None:
        """Forget the login; fails like neonize when not connected."""
        self.logout_calls += 1
        if not self.connected:
            raise NeonizeError("not connected")
        self.logged_in = False

    async def PairPhone(
        self,
        phone: str,
        show_push_notification: bool,
        client_name: ClientName = ClientName.LINUX,
        client_type: ClientType | None = None,
    ) -> str:
        """Return a pairing code for ``phone`` (or raise ``PairPhoneError`` when scripted to)."""
        self.pair_phone_calls.append(phone)
        if self.pair_phone_error:
            raise PairPhoneError(self.pair_phone_error)
        return FAKE_PAIR_CODE

    async def build_reaction(self, chat: JID, sender: JID, message_id: str, reaction: str) -> Message:
        """neonize's own ``build_reaction`` output (offline), unless ``real_build`` is off."""
        if self.real_build:
            built: Message = await _real_builder().build_reaction(chat, sender, message_id, reaction)
            return built
        return _python_reaction(chat, sender, message_id, reaction)

    async def send_message(
        self,
        to: JID | str,
        message: Message | str,
        link_preview: bool = False,
        ghost_mentions: str | None = None,
        mentions_are_lids: bool = False,
        add_msg_secret: bool = False,
    ) -> SendResponse:
        """Record the message and answer with a ``SendResponse`` (or raise ``SendMessageError``)."""
        if self.send_gate is not None:
            await self.send_gate.wait()
        if self.send_error:
            raise SendMessageError(self.send_error)
        to_jid = to if isinstance(to, JID) else parse_jid(to)
        body = message if isinstance(message, Message) else Message(conversation=message)
        self.sends += 1
        self.sent.append((to_jid, body))
        if self.keep_sent is not None and len(self.sent) > self.keep_sent:
            del self.sent[0]
        return SendResponse(ID=f"3EB0{self.sends:012X}", Timestamp=int(time.time()), Message=body)

    @property
    def is_connected(self) -> Coroutine[Any, Any, bool]:
        """Like neonize's: a property whose value must be awaited."""
        return _value(self.connected)

    @property
    def is_logged_in(self) -> Coroutine[Any, Any, bool]:
        """Like neonize's: a property whose value must be awaited."""
        return _value(self.logged_in)

    # ---- test controls: events, dispatched like neonize's Event.execute

    def emit(self, event: ProtoMessage) -> asyncio.Task[None] | None:
        """Dispatch ``event`` to the registered handler (as neonize does from its Go thread)."""
        code = EVENT_TO_INT[type(event)]
        if code == EVENT_TO_INT[Connected]:
            self.connected = True
        handler = self.event.list_func.get(code)
        if handler is None:
            return None
        return self._track(handler(self, event))

    async def deliver(self, event: ProtoMessage) -> None:
        """``emit`` and wait until the handler (and what it scheduled at once) has run."""
        task = self.emit(event)
        if task is not None:
            await task
        for _ in range(3):
            await asyncio.sleep(0)

    def show_qr(self, payload: str | None = None) -> None:
        """WhatsApp issued a (new) QR code: call the QR callback and the QR event handler."""
        payload = payload or f"2@fake-qr-{next(self._qr_counter)},{self.uuid.decode()}"
        if self.event._qr is not None:
            self._track(self.event._qr(self, payload.encode()))
        self.emit(QR(Codes=[payload]))

    def pair_success(self) -> None:
        """The phone confirmed the pairing (or a stored login was accepted): PairStatus then Connected."""
        self.logged_in = True
        self.emit(PairStatus(Status=PairStatus.SUCCESS, ID=JID(User="79001234567", Server="s.whatsapp.net")))
        self.emit(Connected(status=True))

    def disconnect_event(self) -> None:
        """The connection dropped."""
        self.connected = False
        self.emit(Disconnected(status=True))

    def logged_out_event(self) -> None:
        """The user removed this device on the phone."""
        self.connected = False
        self.emit(LoggedOut(OnConnect=False, Reason=ConnectFailureReason.Value("LOGGED_OUT")))

    def stream_replaced_event(self) -> None:
        """Another client connected with the same login."""
        self.connected = False
        self.emit(StreamReplaced())

    def temporary_ban_event(self, expire_s: int = 3600) -> None:
        """WhatsApp banned the account for a while."""
        self.connected = False
        self.emit(TemporaryBan(Code=TemporaryBan.SENT_TOO_MANY_SAME_MESSAGE, Expire=expire_s))

    async def incoming_text(
        self,
        text: str,
        *,
        chat: str,
        sender: str | None = None,
        message_id: str = "3A0000000000000001",
        from_me: bool = False,
        extended: bool = False,
        timestamp: int | None = None,
    ) -> None:
        """A customer message arrives (a real neonize ``Message`` event)."""
        body = Message(extendedTextMessage={"text": text}) if extended else Message(conversation=text)
        await self.deliver(
            message_event(
                body, chat=chat, sender=sender, message_id=message_id, from_me=from_me, timestamp=timestamp
            )
        )

    async def incoming_reaction(
        self,
        emoji: str,
        *,
        chat: str,
        sender: str | None = None,
        target_message_id: str,
        message_id: str = "3A00000000000000FF",
    ) -> None:
        """A customer reacts to a message (a real neonize ``Message`` event carrying a
        ``ReactionMessage``).
        """
        body = Message(
            reactionMessage=ReactionMessage(
                key=MessageKey(remoteJID=chat, fromMe=True, ID=target_message_id),
                text=emoji,
                senderTimestampMS=int(time.time() * 1000),
            )
        )
        await self.deliver(message_event(body, chat=chat, sender=sender, message_id=message_id))

    @property
    def pending_tasks(self) -> int:
        """Handler tasks started by ``emit`` that have not finished."""
        return len(self._tasks)

    # ---- internals

    def _track(self, coro: Awaitable[None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, running: asyncio.Event) -> None:
        await running.wait()

    async def _fail_connect(self) -> None:
        await asyncio.sleep(0)
        raise NeonizeError(OFFLINE_DIAL_ERROR)


def message_event(
    body: Message,
    *,
    chat: str,
    sender: str | None = None,
    message_id: str = "3A0000000000000001",
    from_me: bool = False,
    timestamp: int | None = None,
) -> MessageEvent:
    """A complete neonize ``Message`` event (every proto2 required field set, so it serialises like the
    real one)
    for ``body`` in ``chat`` from ``sender``; a chat on ``g.us`` is a group."""
    chat_jid = parse_jid(chat)
    sender_jid = parse_jid(sender) if sender else chat_jid
    no_jid = JID(User="", RawAgent=0, Device=0, Integrator=0, Server="", IsEmpty=True)
    return MessageEvent(
        Info=MessageInfo(
            MessageSource=MessageSource(
                Chat=chat_jid,
                Sender=sender_jid,
                IsFromMe=from_me,
                IsGroup=chat_jid.Server == "g.us",
                SenderAlt=no_jid,
                RecipientAlt=no_jid,
                BroadcastListOwner=no_jid,
            ),
            ID=message_id,
            ServerID=0,
            Type="text",
            Pushname="",
            Timestamp=int(time.time()) if timestamp is None else timestamp,
            Category="",
            Multicast=False,
            MediaType="",
            Edit="",
        ),
        Message=body,
        IsEphemeral=False,
        IsViewOnce=False,
        IsViewOnceV2=False,
        IsViewOnceV2Extension=False,
        IsDocumentWithCaption=False,
        IsLottieSticker=False,
        IsEdit=False,
        UnavailableRequestID="",
        RetryCount=0,
    )


def _python_reaction(chat: JID, sender: JID, message_id: str, reaction: str) -> Message:
    # what whatsmeow's BuildReaction produces when not logged in (participant only outside user chats)
    from neonize.utils.jid import Jid2String

    key = MessageKey(remoteJID=Jid2String(chat), fromMe=False, ID=message_id)
    if chat.Server not in ("s.whatsapp.net", "lid", "msgr"):
        key.participant = Jid2String(JID(User=sender.User, Server=sender.Server))
    return Message(
        reactionMessage=ReactionMessage(key=key, text=reaction, senderTimestampMS=int(time.time() * 1000))
    )


async def _value(value: bool) -> bool:
    return value


class FakeClientFactory:
    """A ``client_factory`` for ``SessionPool`` that makes ``FakeWhatsAppClient``s and remembers the latest
    one.

    ``configure`` is applied to each new client (e.g. ``lambda c: setattr(c, "logged_in", True)``); every
    client connects through the factory's ``network``.
    """

    def __init__(self, configure: Callable[[FakeWhatsAppClient], None] | None = None) -> None:
        self.configure = configure
        self.network = FakeNetwork()
        self.latest: dict[str, FakeWhatsAppClient] = {}
        self.created = 0
        self.database_names: set[str] = set()

    def __call__(self, company_id: str, settings: PoolSettings) -> FakeWhatsAppClient:
        client = FakeWhatsAppClient(settings.neonize_database_name(), uuid=company_id)
        client.network = self.network
        if self.configure is not None:
            self.configure(client)
        self.latest[company_id] = client
        self.created += 1
        self.database_names.add(client.name)
        return client

    def forget(self) -> None:
        """Drop the references to created clients (leak tests check the pool, not this recorder)."""
        self.latest.clear()


class ManualClock:
    """A clock and ``sleep`` that only move when the test says so: ``await clock.advance(5)``.

    Pass ``clock=clock.now, sleep=clock.sleep`` to ``SessionPool``. ``sleeps`` records every requested delay.
    """

    def __init__(self, start_s: float = 1000.0) -> None:
        self._now = start_s
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self.sleeps: list[float] = []

    def now(self) -> float:
        """The current fake time in seconds."""
        return self._now

    async def sleep(self, delay_s: float) -> None:
        """Wait until the fake time has advanced by ``delay_s``."""
        self.sleeps.append(delay_s)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (self._now + max(0.0, delay_s), next(self._seq), future))
        try:
            await future
        finally:
            if not future.done():
                future.cancel()
            if future.cancelled():
                # drop cancelled sleeps now so a long test does not pile them up
                self._waiters = [w for w in self._waiters if not w[2].done()]
                heapq.heapify(self._waiters)

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking every sleeper that is due, in order, letting each run."""
        await settle()  # let tasks that are about to sleep register first
        target = self._now + seconds
        while self._waiters and self._waiters[0][0] <= target:
            wake_at, _, future = heapq.heappop(self._waiters)
            self._now = max(self._now, wake_at)
            if not future.done():
                future.set_result(None)
            await settle()
        self._now = target
        await settle()

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting (cancelled ones are dropped when they are due)."""
        return sum(1 for _, _, f in self._waiters if not f.done())


async def settle(rounds: int = 20) -> None:
    """Let the event loop run everything that is ready (a few rounds of ``sleep(0)``)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
