"""Helpers for the service tests: the real app on the fake WhatsApp client, in-process or as a subprocess."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
from fastapi import FastAPI

from spasibo.service.app import create_app
from spasibo.service.fake import fake_client_factory
from spasibo.service.settings import ServiceSettings
from spasibo.testing.service import ServeProcess, stop_serve
from spasibo.testing.service import start_serve as _start_serve
from spasibo.testing.whatsapp import FakeClientFactory, ManualClock
from spasibo.whatsapp.client import ClientFactory
from spasibo.whatsapp.pool import SessionPool

API_KEY = "test-key-1"
PHONE = "+7 900 123-45-67"
BASE_SETTINGS: dict[str, Any] = {
    "whatsapp_client": "fake",
    "companies": ["default"],
    "api_keys": [f"{API_KEY}:*", "test-key-2:*"],
    "env": "production",
}


@dataclass
class Service:
    """One running app: its HTTP client (with the API key), the pool and the fake clients behind it."""

    app: FastAPI
    client: httpx.AsyncClient
    pool: SessionPool
    factory: FakeClientFactory
    settings: ServiceSettings

    def sent(self, company_id: str = "default") -> int:
        """How many reactions the fake WhatsApp client of ``company_id`` sent."""
        return len(self.factory.latest[company_id].sent)

    async def react(self, **fields: Any) -> httpx.Response:
        """POST /reaction with a valid body, overridden by ``fields`` (None removes a field)."""
        body = {"phone": PHONE, "emoji": "❤️", "messageId": "3A0001", **fields}
        headers = {"Idempotency-Key": body.pop("idempotency_key")} if "idempotency_key" in body else {}
        return await self.client.post(
            "/reaction", json={k: v for k, v in body.items() if v is not None}, headers=headers
        )


@asynccontextmanager
async def running_service(
    clock: ManualClock | None = None, pool: dict[str, Any] | None = None, **overrides: Any
) -> AsyncIterator[Service]:
    """The real app (settings ``BASE_SETTINGS`` + ``overrides``) through ``httpx.ASGITransport``; its session
    registry is a file in a temporary directory unless ``session_registry_path`` is given. With ``clock`` the
    pool runs on that manual clock and probes the fake network (``service.factory.network``); ``pool``
    overrides fields of its ``PoolSettings`` (``{"default_region": "DE"}``).
    """
    with tempfile.TemporaryDirectory(prefix="spasibo-registry-") as registry_dir:
        overrides.setdefault("session_registry_path", str(Path(registry_dir) / "sessions.json"))
        settings = ServiceSettings(**{**BASE_SETTINGS, **overrides})
        factory = fake_client_factory(settings.fake_send_delay_s)
        timing: dict[str, Any] = {}
        if clock is not None:
            timing = {"clock": clock.now, "sleep": clock.sleep, "reach": factory.network.reach}
        pool_settings = settings.pool_settings().model_copy(update=pool or {})
        session_pool = SessionPool(pool_settings, client_factory=cast(ClientFactory, factory), **timing)
        app = create_app(settings, session_pool)
        async with app.router.lifespan_context(app):
            # Starlette re-raises an unexpected error after sending its 500 (for the server's log); the
            # client must see the 500, as it would over a socket
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://service", headers={"X-API-Key": API_KEY}
            ) as client:
                yield Service(app, client, session_pool, factory, settings)


def start_serve(env: dict[str, str]) -> ServeProcess:
    """``spasibo serve --fake-whatsapp`` with the tests' API key and ``env``."""
    return _start_serve(API_KEY, env)


__all__ = ["API_KEY", "PHONE", "ServeProcess", "Service", "running_service", "start_serve", "stop_serve"]
