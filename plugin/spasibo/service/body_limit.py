"""Refuse request bodies over ``max_body_bytes`` (413) or slower than ``read_timeout_s`` (408) before any
route reads them.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spasibo.service.errors import ServiceError


class BodyLimit:
    """ASGI middleware: reads the (small) body up front, answering 413 once it passes the limit.

    The declared ``Content-Length`` is checked first so an honest large upload is refused without reading it.
    A body that has not fully arrived ``read_timeout_s`` after its headers is answered 408 with
    ``Connection: close``, so a client trickling bytes cannot hold a connection (and a descriptor) for long.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, read_timeout_s: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.read_timeout_s):
                chunks = await self._read(receive)
        except TimeoutError:
            await self._too_slow(scope, receive, send)
            return
        if chunks is None:
            await self._refuse(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> list[bytes] | None:
        """The body's chunks, or None once it passes ``max_body_bytes``."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return chunks
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks

    async def _too_slow(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = ServiceError(
            408,
            "body_timeout",
            f"the request body did not arrive within {self.read_timeout_s:g} s",
            headers={"Connection": "close"},
        )
        await error.response()(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = ServiceError(
            413, "body_too_large", f"the request body is larger than {self.max_body_bytes} bytes"
        )
        await error.response()(scope, receive, send)
