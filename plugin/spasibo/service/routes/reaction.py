"""``POST /reaction``: one reaction on one customer message."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from spasibo.service.auth import grant_of
from spasibo.service.errors import ServiceError, from_pool_error
from spasibo.service.routes.openapi import COMMON, errors
from spasibo.service.schemas import ReactionAnswer, ReactionBody
from spasibo.service.state import service_state
from spasibo.whatsapp.errors import WhatsAppError

router = APIRouter(tags=["reactions"])

IDEMPOTENCY_KEY_MAX_LENGTH = 200


@router.post(
    "/reaction",
    response_model=ReactionAnswer,
    responses=errors(*COMMON, 403, 404, 409, 421, 429, 502, 503),
    summary="React with an emoji on a customer's message",
)
async def post_reaction(
    body: ReactionBody,
    request: Request,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    ] = None,
) -> JSONResponse:
    """Send ``emoji`` on ``messageId``; a repeat within the idempotency window gets the same answer."""
    state = service_state(request)
    started = time.perf_counter()
    state.metrics.in_flight.inc()
    try:
        answer = await state.desk.react(body, idempotency_key, grant_of(request))
    except ServiceError as error:
        state.metrics.errors.labels(error.code).inc()
        raise
    except WhatsAppError as error:
        state.metrics.errors.labels(from_pool_error(error).code).inc()
        raise
    finally:
        state.metrics.in_flight.dec()
        state.metrics.latency.observe(time.perf_counter() - started)
    return JSONResponse(answer.body, status_code=answer.status)
