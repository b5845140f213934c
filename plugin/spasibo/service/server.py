"""Run the service under uvicorn with a graceful stop: on SIGTERM stop accepting, finish, stop the pool."""

from __future__ import annotations

import logging
import math

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


def serve(settings: ServiceSettings) -> None:
    """Serve until SIGTERM/SIGINT; in-flight requests get ``shutdown_deadline_s``, then the pool shuts down.

    uvicorn closes the listening socket first, lets requests in progress finish (answering them with
    ``Connection: close``) for at most the deadline, then runs the app's lifespan end, which shuts the pool
    down (its in-flight sends get the same deadline) and releases this instance's company leases.
    """
    import uvicorn

    from spasibo.service.app import create_app

    check_exposure(settings)
    if settings.whatsapp_client == "fake":
        log.warning("SPASIBO_WHATSAPP_CLIENT=fake: reactions go to an offline fake client (tests/demos only)")
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        lifespan="on",
        timeout_graceful_shutdown=math.ceil(settings.shutdown_deadline_s),
        access_log=False,
        log_level="info",
    )
    uvicorn.Server(config).run()
