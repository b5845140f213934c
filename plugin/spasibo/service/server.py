"""Run the service under uvicorn with a graceful stop: on SIGTERM stop accepting, finish, stop the pool."""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import socket

from spasibo.errors import ConfigError
from spasibo.service.settings import ServiceSettings

log = logging.getLogger(__name__)


def check_exposure(settings: ServiceSettings) -> None:
    """Refuse to listen beyond loopback without an API key: anyone on the network could send reactions."""
    if not settings.on_loopback and not settings.api_keys:
        raise ConfigError(
            f"SPASIBO_HOST={settings.host} is not a loopback address: set SPASIBO_API_KEYS (comma-separated) "
            "so callers must authenticate, or listen on 127.0.0.1"
        )


# time uvicorn still waits after the pool's deadline: the cancelled sends' requests are answered within it
ANSWER_MARGIN_S = 5


# young objects (net of those freed) that start a collection; Python's default is 700
YOUNG_COLLECTION_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    """Collect garbage less often and never walk what start-up left; run once the app has started.

    The imported libraries (FastAPI, pydantic, phonenumbers' metadata, neonize, protobuf) and the started app
    are over a hundred thousand objects that live as long as the process, and under load a full collection
    walked them all every few thousand requests: about a sixth of the CPU per reaction. Frozen
    (``gc.freeze``) they are never walked again; garbage left by start-up is collected first so none of it is
    kept for good. The requests in flight hold a few thousand container objects too, and at Python's default
    threshold a young collection came every twenty-odd requests and walked them: 12-16 µs a reaction. Few
    requests leave cycles behind, so the larger threshold keeps little garbage waiting
    (``docs/performance.md``, the fourth round).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def serve(settings: ServiceSettings) -> None:
    """Serve until SIGTERM/SIGINT; sends in flight get ``shutdown_deadline_s``, then their requests get a JSON
    502, never a cut-off connection or uvicorn's plain-text 500.

    On the signal uvicorn closes the listening socket and, at the same moment (``DrainingServer``), the pool
    starts its shutdown: new sends are refused (503), sends in flight get the deadline and are then cancelled,
    which answers their requests 502 ``send_failed``. uvicorn waits for those answers (the deadline plus
    ``ANSWER_MARGIN_S``), then runs the app's lifespan end, which releases this instance's company leases.
    """
    import uvicorn

    from spasibo.service.app import create_app
    from spasibo.service.header_deadline import header_deadline_protocol
    from spasibo.service.state import ServiceState

    check_exposure(settings)
    if settings.whatsapp_client == "fake":
        log.warning("SPASIBO_WHATSAPP_CLIENT=fake: reactions go to an offline fake client (tests/demos only)")
    app = create_app(settings)
    state: ServiceState = app.state.service

    class DrainingServer(uvicorn.Server):
        """uvicorn's server, draining the pool while it waits for requests in progress; its garbage
        collector tuned once the app has started (``tune_garbage_collector``).
        """

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            tune_garbage_collector()

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            draining = asyncio.ensure_future(state.drain())
            try:
                await super().shutdown(sockets)
            finally:
                await asyncio.gather(draining, return_exceptions=True)

    # httpx logs each request at INFO: a line per webhook delivery would flood the log (and a piped stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        lifespan="on",
        http=header_deadline_protocol(settings.request_read_timeout_s),
        timeout_graceful_shutdown=math.ceil(settings.shutdown_deadline_s) + ANSWER_MARGIN_S,
        access_log=False,
        log_level="info",
    )
    DrainingServer(config).run()
