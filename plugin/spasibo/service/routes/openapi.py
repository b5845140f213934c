"""The error answers each route declares, so the OpenAPI document matches what the service really sends."""

from __future__ import annotations

from typing import Any

from spasibo.service.schemas import ErrorAnswer

_RETRY_AFTER = {
    "Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "string"}}
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for ``statuses``, each with the ``ErrorAnswer`` body (and ``Retry-After``)."""
    descriptions = {
        401: "missing or invalid X-API-Key",
        403: "this X-API-Key may not act for the company (error.field names where it was given)",
        408: "the request body did not arrive in time (the connection is closed)",
        404: "no session for this company",
        409: "conflict: unknown group message (pass sender), session exists, or the same request in flight",
        413: "request body too large",
        421: "the company's session is owned by another instance (error.owner, error.ownerUrl)",
        422: "invalid input; error.field names the field",
        429: "this customer (phone, or group sender without one) got too many reactions in the last minute",
        500: "unexpected error (no details in production)",
        502: "WhatsApp refused or failed the call",
        503: "session not connected, circuit breaker open, pool or Redis unavailable, or the company moving "
        "between instances",
        504: "pairing timed out",
    }
    return {
        status: {
            "model": ErrorAnswer,
            "description": descriptions[status],
            **({"headers": _RETRY_AFTER} if status in (429, 503) else {}),
        }
        for status in statuses
    }


COMMON = (401, 408, 413, 422, 500)
