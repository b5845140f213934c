"""The offline WhatsApp client behind ``SPASIBO_WHATSAPP_CLIENT=fake``: tests and demos, never traffic.

Every session logs in at once from a pretend stored login, so reactions to it are sent (and recorded by the
fake client) without a phone; ``fake_send_delay_s`` keeps sends in flight to exercise shutdown and load.

Each client keeps only the last ``SENT_KEPT`` messages it sent (what ``GET /fake/reactions`` lists): a
service under load (``benchmarks/service.py``) would otherwise hold every message as protobuf objects, which a
real session does not, and every full garbage collection would walk them all.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from spasibo.testing.whatsapp import FakeClientFactory, FakeWhatsAppClient

SENT_KEPT = 1000


def fake_client_factory(send_delay_s: float = 0.0) -> FakeClientFactory:
    """A ``FakeClientFactory`` whose clients are logged in and take ``send_delay_s`` per send."""

    def configure(client: FakeWhatsAppClient) -> None:
        client.logged_in = True
        client.real_build = False  # neonize's Go builder is slower and adds nothing to an HTTP test
        client.keep_sent = SENT_KEPT
        if send_delay_s > 0:
            send = client.send_message

            @functools.wraps(send)
            async def slow_send(*args: Any, **kwargs: Any) -> Any:
                await asyncio.sleep(send_delay_s)
                return await send(*args, **kwargs)

            client.send_message = slow_send  # type: ignore[method-assign]

    return FakeClientFactory(configure=configure)
