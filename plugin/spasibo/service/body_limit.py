"""Refuse request bodies over ``max_body_bytes`` (413) or slower than ``read_timeout_s`` (408) before any
route reads them.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spasibo.service.errors import ServiceError


async def read_body(scope: Scope, receive: Receive, *, max_body_bytes: int, read_timeout_s: float) -> bytes:
    """The whole body of the request ``scope``, or a ``ServiceError``: 413 once it passes ``max_body_bytes``
    (a declared ``Content-Length`` over it is refused without reading anything), 408 with ``Connection:
    close`` when it has not fully arrived ``read_timeout_s`` after the headers.
    """
    declared = dict(scope["headers"]).get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
        raise _too_large(max_body_bytes)
    try:
        async with asyncio.timeout(read_timeout_s):
            chunks = await _read(receive, max_body_bytes)
    except TimeoutError:
        raise ServiceError(
            408,
            "body_timeout",
            f"the request body did not arrive within {read_timeout_s:g} s",
            headers={"Connection": "close"},
        ) from None
    if chunks is None:
        raise _too_large(max_body_bytes)
    return b"".join(chunks)


async def _read(receive: Receive, max_body_bytes: int) -> list[bytes] | None:
    """The body's chunks, or None once it passes ``max_body_bytes``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return chunks
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_body_bytes:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks


def _too_large(max_body_bytes: int) -> ServiceError:
    return ServiceError(413, "body_too_large", f"the request body is larger than {max_body_bytes} bytes")


class BodyLimit:
    """ASGI middleware: reads the (small) body up front with ``read_body`` and answers its refusals; the app
    behind gets the body in one message.

    A body that must arrive in time keeps a client trickling bytes from holding a connection (and a
    descriptor) for long.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, read_timeout_s: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            body = await read_body(
                scope, receive, max_body_bytes=self.max_body_bytes, read_timeout_s=self.read_timeout_s
            )
        except ServiceError as refusal:
            await refusal.response()(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
