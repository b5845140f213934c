"""The slice of neonize's ``NewAClient`` the pool uses, and the factory that makes real clients.

The pool only talks to this protocol, so tests run it on ``spasibo.testing.whatsapp.FakeWhatsAppClient``
(whose
signatures a test compares with the real class).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from neonize.proto.Neonize_pb2 import JID, SendResponse
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from spasibo.whatsapp.settings import PoolSettings


class EventRegistry(Protocol):
    """neonize's per-client ``Event``: handlers by event code in ``list_func``, the QR callback via
    ``qr()``.
    """

    list_func: dict[int, Callable[[Any, Any], Awaitable[None]]]

    def qr(self, f: Callable[[Any, bytes], Awaitable[None]]) -> None: ...

    def __call__(self, event: type[Any]) -> Callable[[Callable[[Any, Any], Awaitable[None]]], None]: ...


class WhatsAppClient(Protocol):
    """What the pool calls on a client. ``connect()`` returns the task that runs the connection until
    stopped.
    """

    event: EventRegistry

    async def connect(self) -> asyncio.Task[None]: ...

    async def stop(self) -> None: ...

    async def logout(self) -> None: ...

    async def PairPhone(self, phone: str, show_push_notification: bool) -> str: ...

    async def build_reaction(self, chat: JID, sender: JID, message_id: str, reaction: str) -> Message: ...

    async def send_message(self, to: JID, message: Message) -> SendResponse: ...

    @property
    def is_connected(self) -> Awaitable[bool]: ...


ClientFactory = Callable[[str, PoolSettings], WhatsAppClient]
"""Makes the client for one company: ``factory(company_id, settings) -> client``."""


def neonize_client_factory(company_id: str, settings: PoolSettings) -> WhatsAppClient:
    """A real neonize ``NewAClient`` for ``company_id``, storing its login in ``settings.auth_database``.

    The company id is the client's uuid (the key of neonize's Go-side client map), so one process must not run
    two pools with the same company id. neonize remembers the event loop of the first ``connect()`` only; the
    pool runs on the current loop, so it is bound here, before any client of this pool connects.
    """
    from neonize.aioze import events as neonize_events
    from neonize.aioze.client import NewAClient

    if not settings.uses_postgres:
        Path(settings.auth_database).mkdir(parents=True, exist_ok=True)
    neonize_events.event_global_loop = asyncio.get_running_loop()
    client: WhatsAppClient = NewAClient(settings.neonize_database_name(), uuid=company_id)
    return client
