"""``POST /reaction``: one reaction on one customer message, as FastAPI declares it.

This route is the endpoint's OpenAPI operation and its reference behaviour; the service answers every
``POST /reaction`` with ``reaction_asgi.py``, which gives the same answers without FastAPI's per-request
machinery (the tests hold the two equal on a table of good and bad requests).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import Field, TypeAdapter, ValidationError

from spasibo.service.auth import RequireApiKey, grant_of
from spasibo.service.errors import ServiceError, from_pool_error
from spasibo.service.idempotency import StoredAnswer
from spasibo.service.keys import KeyGrant
from spasibo.service.routes.openapi import COMMON, errors
from spasibo.service.schemas import ReactionAnswer, ReactionBody
from spasibo.service.state import ServiceState, service_state
from spasibo.whatsapp.errors import WhatsAppError

router = APIRouter(tags=["reactions"])

REACTION_PATH = "/reaction"
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 200
_idempotency_key: TypeAdapter[str | None] = TypeAdapter(
    Annotated[str | None, Field(min_length=1, max_length=IDEMPOTENCY_KEY_MAX_LENGTH)]
)

# the header as FastAPI documented it when it was a ``Header`` parameter of the route
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": IDEMPOTENCY_KEY_HEADER,
    "required": False,
    "schema": {**_idempotency_key.json_schema(), "title": IDEMPOTENCY_KEY_HEADER},
}


def checked_idempotency_key(presented: str | None) -> str | None:
    """``presented`` (None when the request sent no ``Idempotency-Key``) if it is 1 to 200 characters long;
    else the 422 FastAPI reported when the header was a ``Header`` parameter (``header.Idempotency-Key``).
    """
    if presented is not None and not 1 <= len(presented) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        try:
            _idempotency_key.validate_python(presented)
        except ValidationError as error:
            located = [{**item, "loc": ("header", IDEMPOTENCY_KEY_HEADER)} for item in error.errors()]
            raise RequestValidationError(located) from None
    return presented


class RequireReactionCaller(RequireApiKey):
    """The ``X-API-Key`` check and the ``Idempotency-Key`` header in one dependency, for ``/reaction``.

    As a ``Header`` parameter beside the key scheme the header cost FastAPI a second pass of parameter
    solving per request. The order of errors is FastAPI's: a bad key (401) before a bad header, a bad header
    (422 naming ``header.Idempotency-Key``) before a bad body; malformed JSON is refused before either, as
    FastAPI reads it first.
    """

    async def __call__(self, request: Request) -> None:  # type: ignore[override]
        await super().__call__(request)
        request.state.idempotency_key = checked_idempotency_key(request.headers.get(IDEMPOTENCY_KEY_HEADER))


def idempotency_key_of(request: Request) -> str | None:
    """The ``Idempotency-Key`` a ``RequireReactionCaller`` checked, or None when the request sent none."""
    key: str | None = request.state.idempotency_key
    return key


async def answer_reaction(
    state: ServiceState, body: ReactionBody, idempotency_key: str | None, grant: KeyGrant
) -> StoredAnswer:
    """The desk's answer to a checked request, counted in the service's metrics (errors by code)."""
    started = time.perf_counter()
    state.metrics.in_flight.inc()
    try:
        return await state.desk.react(body, idempotency_key, grant)
    except ServiceError as error:
        state.metrics.errors.labels(error.code).inc()
        raise
    except WhatsAppError as error:
        state.metrics.errors.labels(from_pool_error(error).code).inc()
        raise
    finally:
        state.metrics.in_flight.dec()
        state.metrics.latency.observe(time.perf_counter() - started)


@router.post(
    REACTION_PATH,
    response_model=ReactionAnswer,
    responses=errors(*COMMON, 403, 404, 409, 421, 429, 502, 503),
    summary="React with an emoji on a customer's message",
    openapi_extra={"parameters": [IDEMPOTENCY_KEY_PARAMETER]},
)
async def post_reaction(body: ReactionBody, request: Request) -> JSONResponse:
    """Send ``emoji`` on ``messageId``; a repeat within the idempotency window gets the same answer."""
    answer = await answer_reaction(
        service_state(request), body, idempotency_key_of(request), grant_of(request)
    )
    return JSONResponse(answer.body, status_code=answer.status)
