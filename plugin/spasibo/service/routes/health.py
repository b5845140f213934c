"""``/health`` (the process answers), ``/ready`` (the pool can take reactions) and Prometheus ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from spasibo.service.schemas import Health
from spasibo.service.state import service_state

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health)
async def health(request: Request) -> Health:
    """Liveness: 200 whenever the process answers."""
    return Health(status="ok", instance=service_state(request).settings.instance_id)


@router.get("/ready", response_model=Health, responses={503: {"model": Health, "description": "not ready"}})
async def ready(request: Request) -> JSONResponse:
    """Readiness: 200 when the pool runs and, if it has sessions, at least one is connected; else 503."""
    state = service_state(request)
    stats = state.pool.stats()
    is_ready = state.ready and (stats.sessions_total == 0 or stats.sessions_active > 0)
    body = Health(
        status="ok" if is_ready else "unavailable",
        instance=state.settings.instance_id,
        sessionsTotal=stats.sessions_total,
        sessionsConnected=stats.sessions_active,
    )
    return JSONResponse(body.model_dump(), status_code=200 if is_ready else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Prometheus"}},
)
async def metrics(request: Request) -> Response:
    """Prometheus text format: reactions, errors, rate-limited, latency, sessions and breakers by state."""
    state = service_state(request)
    return Response(state.metrics.render(state.pool), media_type=CONTENT_TYPE_LATEST)
