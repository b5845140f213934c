"""How failures become answers: the pool's typed errors, validation errors, the unexpected: one shape.

Every error answer is ``{"error": {"code", "message", "field"}}``. Input errors are 422 (malformed JSON too);
the pool's errors answer the status ``statuses.py`` maps them to; anything unexpected is a 500 that names
nothing internal in production and carries the exception in development.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from spasibo.service.statuses import status_of
from spasibo.whatsapp import errors as pool_errors

log = logging.getLogger(__name__)

# the request field each pool input error is about
_FIELD_OF_ERROR: dict[type[Exception], str] = {
    pool_errors.InvalidCompanyIdError: "companyId",
    pool_errors.InvalidMessageIdError: "messageId",
    pool_errors.InvalidEmojiError: "emoji",
    pool_errors.InvalidPhoneError: "phone",
    pool_errors.InvalidChatError: "chat",
    pool_errors.InvalidSenderError: "sender",
}


class ServiceError(Exception):
    """An answer the service decided on: status, stable code, message, field and extra headers/fields."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: str | None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body of this error."""
        detail: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        detail.update({key: value for key, value in self.extra.items() if value is not None})
        return {"error": detail}

    def response(self) -> JSONResponse:
        """The HTTP answer for this error."""
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def retry_after_header(seconds: float | None) -> dict[str, str]:
    """A ``Retry-After`` header in whole seconds (at least 1), or nothing when the wait is unknown."""
    if seconds is None:
        return {}
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name.removesuffix("Error")).lower()


def from_pool_error(error: pool_errors.WhatsAppError, *, field: str | None = None) -> ServiceError:
    """The answer for one of the pool's errors: its mapped status, a code from its class name, the field."""
    field = field or next((f for cls, f in _FIELD_OF_ERROR.items() if isinstance(error, cls)), None)
    retry_after = getattr(error, "retry_after_s", None)
    return ServiceError(
        status_of(error),
        _snake(type(error).__name__),
        str(error),
        field=field,
        headers=retry_after_header(retry_after),
    )


# what a client sees in production instead of the text of an underlying (neonize, network) error
_PUBLIC_MESSAGES = {
    502: "WhatsApp refused or failed the call; nothing was sent",
    503: "the WhatsApp session cannot take the call now; retry later",
    504: "WhatsApp did not answer in time",
}


def public_error(error: pool_errors.WhatsAppError) -> ServiceError:
    """``from_pool_error`` with the underlying error's text hidden (production mode): a 5xx that wraps
    another exception answers a fixed message for its status; everything else is unchanged.
    """
    answer = from_pool_error(error)
    if answer.status >= 500 and error.__cause__ is not None:
        answer.message = _PUBLIC_MESSAGES.get(answer.status, "internal error")
    return answer


def _validation_error(exc: RequestValidationError) -> ServiceError:
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part != "body"]
    field = ".".join(location) or None
    kind = str(first.get("type", "invalid"))
    if kind == "json_invalid":
        return ServiceError(422, "invalid_json", "the request body is not valid JSON")
    if kind == "extra_forbidden":
        return ServiceError(422, "unknown_field", f"{field}: unknown field", field=field)
    if kind == "missing":
        return ServiceError(422, "missing_field", f"{field}: required", field=field)
    message = str(first.get("msg", "invalid value"))
    return ServiceError(422, "invalid_field", f"{field}: {message}" if field else message, field=field)


# how long a client should wait before retrying while Redis is unreachable
SHARED_STATE_RETRY_AFTER_S = 1.0


def _shared_state_errors() -> tuple[type[Exception], ...]:
    """The errors that mean Redis (the shared state of several instances) is unreachable, if installed."""
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # the redis extra is not installed, so there is no shared state to lose
        return ()
    return (RedisConnectionError, RedisTimeoutError)


ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


def error_handlers(*, production: bool) -> dict[type[Exception], ErrorHandler]:
    """The answer to each kind of error, by exception class (``handler_for`` picks the closest one).

    ``Exception`` is the unexpected error's 500; Starlette runs that one from its outermost middleware, the
    others from the exception middleware around the routes (``install_error_handlers``).
    """

    async def service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        return exc.response()

    async def pool_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, pool_errors.WhatsAppError)
        if production:
            if exc.__cause__ is not None:
                log.warning("%s %s: %s", request.method, request.url.path, exc)
            return public_error(exc).response()
        return from_pool_error(exc).response()

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _validation_error(exc).response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return ServiceError(
            exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {})
        ).response()

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error answering %s %s", request.method, request.url.path)
        message = "internal error" if production else f"{type(exc).__name__}: {exc}"
        return ServiceError(500, "internal", message).response()

    async def shared_state_down(request: Request, exc: Exception) -> Response:
        log.warning(
            "shared state (Redis) unreachable answering %s %s: %s", request.method, request.url.path, exc
        )
        return ServiceError(
            503,
            "shared_state_unavailable",
            "the shared state store is unreachable; retry shortly",
            headers=retry_after_header(SHARED_STATE_RETRY_AFTER_S),
        ).response()

    handlers: dict[type[Exception], ErrorHandler] = dict.fromkeys(_shared_state_errors(), shared_state_down)
    handlers.update(
        {
            ServiceError: service_error,
            pool_errors.WhatsAppError: pool_error,
            RequestValidationError: validation_error,
            StarletteHTTPException: http_error,
            Exception: unexpected,
        }
    )
    return handlers


def handler_for(handlers: dict[type[Exception], ErrorHandler], error: Exception) -> ErrorHandler | None:
    """The handler of ``error``'s closest class in ``handlers`` other than ``Exception``, as Starlette's
    exception middleware picks it; None for an unexpected error.
    """
    for cls in type(error).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None


def install_error_handlers(app: FastAPI, handlers: dict[type[Exception], ErrorHandler]) -> None:
    """Answer every error of ``app`` with ``handlers`` (``error_handlers``)."""
    for error_class, handler in handlers.items():
        app.add_exception_handler(error_class, handler)
