"""``create_app(settings)``: the FastAPI app around one ``SessionPool``; nothing runs at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from fastapi import FastAPI, Security
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

import spasibo
from spasibo.service.body_limit import BodyLimit
from spasibo.service.errors import error_handlers, install_error_handlers
from spasibo.service.fake import fake_client_factory
from spasibo.service.routes import events, fake, health, reaction, sessions
from spasibo.service.routes.reaction_asgi import ReactionEndpoint
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


class ServiceApp(FastAPI):
    """The service's FastAPI app, but ``POST /reaction`` goes straight to ``reaction_endpoint``.

    That endpoint (``routes/reaction_asgi.py``) answers as the FastAPI route declared in
    ``routes/reaction.py`` does, which stays in the app for the OpenAPI document and for the requests this
    shortcut does not take (other methods, ``/reaction/``, an app under a ``root_path``), which FastAPI
    answers as before (405, the redirect, the route).
    """

    reaction_endpoint: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == reaction.REACTION_PATH
            and not scope.get("root_path")  # mounted under a prefix: FastAPI routes it
        ):
            await self.reaction_endpoint(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: ServiceSettings | None = None, pool: SessionPool | None = None) -> ServiceApp:
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

    app = ServiceApp(
        title="spasibo reaction service",
        version=spasibo.__version__,
        description="Sends WhatsApp reactions for chatbots through one session per company.",
        lifespan=lifespan,
        debug=False,
    )
    app.state.service = state
    handlers = error_handlers(production=settings.production)
    install_error_handlers(app, handlers)
    app.reaction_endpoint = ServerErrorMiddleware(
        ReactionEndpoint(state, handlers), handler=handlers[Exception]
    )
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
