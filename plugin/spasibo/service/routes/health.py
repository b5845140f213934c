"""``/health`` (the process answers), ``/ready`` (the pool can take reactions) and Prometheus ``/metrics``."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from spasibo.service.schemas import Health
from spasibo.service.state import ServiceState, service_state

log = logging.getLogger(__name__)

READY_PING_TIMEOUT_S = 1.0

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health)
async def health(request: Request) -> Health:
    """Liveness: 200 whenever the process answers, with the pool's real session counts."""
    state = service_state(request)
    stats = state.pool.stats()
    return Health(
        status="ok",
        instance=state.settings.instance_id,
        sessionsTotal=stats.sessions_total,
        sessionsConnected=stats.sessions_active,
    )


@router.get("/ready", response_model=Health, responses={503: {"model": Health, "description": "not ready"}})
async def ready(request: Request) -> JSONResponse:
    """Readiness: 200 when the pool runs, the shared state (Redis, if configured) answers and, if there are
    sessions, at least one is connected; else 503 with the ``reason``.
    """
    state = service_state(request)
    stats = state.pool.stats()
    reason = None
    if not state.ready:
        reason = "the service is starting or stopping"
    elif stats.sessions_total > 0 and stats.sessions_active == 0:
        reason = "no session is connected"
    elif not await shared_state_reachable(state):
        reason = "the shared state store (Redis) is unreachable"
    body = Health(
        status="ok" if reason is None else "unavailable",
        instance=state.settings.instance_id,
        sessionsTotal=stats.sessions_total,
        sessionsConnected=stats.sessions_active,
        reason=reason,
    )
    return JSONResponse(body.model_dump(), status_code=200 if reason is None else 503)


async def shared_state_reachable(state: ServiceState) -> bool:
    """Whether the idempotency records' store answers a ping within ``READY_PING_TIMEOUT_S``."""
    try:
        async with asyncio.timeout(READY_PING_TIMEOUT_S):
            return await state.records.ping()
    except Exception as error:  # any failure to answer means not ready; the cause goes to the log
        log.warning("readiness: shared state unreachable: %s", error)
        return False


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Prometheus"}},
)
async def metrics(request: Request) -> Response:
    """Prometheus text format: reactions, errors, rate-limited, latency, sessions and breakers by state."""
    state = service_state(request)
    return Response(state.metrics.render(state.pool), media_type=CONTENT_TYPE_LATEST)
