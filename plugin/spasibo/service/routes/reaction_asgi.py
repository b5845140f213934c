"""``POST /reaction`` served as a plain ASGI endpoint: the FastAPI route's answers (``reaction.py``) without
FastAPI's per-request machinery.

FastAPI's middleware stack, routing, dependency solving and request objects cost more CPU per reaction than
the whole floor endpoint it is measured against (``benchmarks/service.py``). This endpoint does what they did
for this route, in the same order, with the same functions where there are any: the body read under the
service's size and time limits (413, 408), the JSON parsed when the content type says JSON (422
``invalid_json``; 400 for a body that is not text), the API key (401), the ``Idempotency-Key`` header (422),
then the body's validation (422 naming the field), then the desk. Errors are answered by the app's own
handlers, chosen as Starlette's exception middleware chooses them; an unexpected one propagates to the
``ServerErrorMiddleware`` around this endpoint (500, details only in development).
"""

from __future__ import annotations

import email.message
import json
from typing import Any

from fastapi.exceptions import HTTPException, RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from spasibo.service.body_limit import read_body
from spasibo.service.errors import ErrorHandler, handler_for
from spasibo.service.idempotency import StoredAnswer
from spasibo.service.routes.reaction import answer_reaction, checked_idempotency_key
from spasibo.service.schemas import ReactionBody
from spasibo.service.state import ServiceState

_NO_BODY = object()
_JSON_TYPE = "application/json"
# Starlette's JSONResponse.render, without building its encoder for every answer
_render_json = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


class ReactionEndpoint:
    """The ASGI app answering ``POST /reaction`` for ``state`` (see the module docstring)."""

    def __init__(self, state: ServiceState, handlers: dict[type[Exception], ErrorHandler]) -> None:
        self.state = state
        self.handlers = handlers
        self.max_body_bytes = state.settings.max_body_bytes
        self.read_timeout_s = state.settings.request_read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            answer = await self._answer(scope, receive)
        except Exception as error:
            handler = handler_for(self.handlers, error)
            if handler is None:
                raise
            response = await handler(Request(scope, receive), error)
            await response(scope, receive, send)
            return
        # what JSONResponse(answer.body, status_code=answer.status) sends (a stored answer is a 200)
        body = _render_json(answer.body).encode()
        headers = [(b"content-length", b"%d" % len(body)), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(self, scope: Scope, receive: Receive) -> StoredAnswer:
        content_type = api_key = idempotency_key = None
        for name, value in scope["headers"]:  # the first of each, as Starlette's ``Headers.get``
            if name == b"content-type" and content_type is None:
                content_type = value.decode("latin-1")
            elif name == b"x-api-key" and api_key is None:
                api_key = value.decode("latin-1")
            elif name == b"idempotency-key" and idempotency_key is None:
                idempotency_key = value.decode("latin-1")
        raw = await read_body(
            scope, receive, max_body_bytes=self.max_body_bytes, read_timeout_s=self.read_timeout_s
        )
        document = parsed_body(raw, content_type)
        grant = self.state.auth.require(api_key)
        key = checked_idempotency_key(idempotency_key)
        return await answer_reaction(self.state, validated_body(document), key, grant)


def parsed_body(raw: bytes, content_type: str | None) -> Any:
    """What FastAPI hands a JSON body model: nothing for an empty body, the parsed JSON when the content type
    is ``application/json`` or ``application/*+json``, else the raw bytes (which then fail validation).
    """
    if not raw:
        return _NO_BODY
    if not content_type or not (content_type == _JSON_TYPE or _is_json_media_type(content_type)):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", error.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": error.msg},
                }
            ],
            body=error.doc,
        ) from error
    except Exception as error:  # not UTF-8/16/32 text
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from error


def _is_json_media_type(content_type: str) -> bool:
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


def validated_body(document: Any) -> ReactionBody:
    """``document`` as a ``ReactionBody``, validated as FastAPI validates a body parameter; else its 422 with
    each error located under ``body``.
    """
    if document is _NO_BODY:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return ReactionBody.model_validate(document, from_attributes=True)
    except ValidationError as error:
        raise RequestValidationError(
            [{**item, "loc": ("body", *item["loc"])} for item in error.errors(include_url=False)],
            body=document,
        ) from None
