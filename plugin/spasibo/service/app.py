"""``create_app(settings)``: the FastAPI app around one ``SessionPool``; nothing runs at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from fastapi import FastAPI, Security

import spasibo
from spasibo.service.body_limit import BodyLimit
from spasibo.service.errors import install_error_handlers
from spasibo.service.fake import fake_client_factory
from spasibo.service.routes import events, fake, health, reaction, sessions
from spasibo.service.settings import ServiceSettings
from spasibo.service.state import ServiceState
from spasibo.whatsapp.client import ClientFactory
from spasibo.whatsapp.pool import SessionPool


def build_pool(settings: ServiceSettings) -> SessionPool:
    """The pool the settings ask for: real neonize clients, or the offline fake (tests and demos only)."""
    if settings.whatsapp_client == "fake":
        return SessionPool(
            settings.pool_settings(),
            client_factory=cast(ClientFactory, fake_client_factory(settings.fake_send_delay_s)),
        )
    return SessionPool(settings.pool_settings())


def create_app(settings: ServiceSettings | None = None, pool: SessionPool | None = None) -> FastAPI:
    """The reaction service for ``settings`` (default: from ``SPASIBO_*`` variables) around ``pool``.

    Without ``pool`` one is built from the settings. The app starts the pool, claims its companies and
    starts their sessions in its lifespan, and shuts everything down at its end; run it with
    ``spasibo serve`` (uvicorn), or drive it in tests through ``httpx.ASGITransport`` inside
    ``app.router.lifespan_context(app)``.
    """
    settings = settings or ServiceSettings()
    state = ServiceState.build(settings, pool or build_pool(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.stop()

    app = FastAPI(
        title="spasibo reaction service",
        version=spasibo.__version__,
        description="Sends WhatsApp reactions for chatbots through one session per company.",
        lifespan=lifespan,
        debug=False,
    )
    app.state.service = state
    install_error_handlers(app, production=settings.production)
    protected = [Security(state.auth.dependency())]
    app.include_router(reaction.router, dependencies=[Security(reaction.RequireReactionCaller(state.auth))])
    app.include_router(sessions.router, dependencies=protected)
    app.include_router(events.router, dependencies=protected)
    if settings.whatsapp_client == "fake":
        app.include_router(fake.router, dependencies=protected)
    app.include_router(health.router)
    app.add_middleware(
        BodyLimit, max_body_bytes=settings.max_body_bytes, read_timeout_s=settings.request_read_timeout_s
    )
    return app
