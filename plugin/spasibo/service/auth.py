"""API key check: ``X-API-Key`` compared in constant time against every configured key."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from fastapi import Security
from fastapi.security import APIKeyHeader

from spasibo.service.errors import ServiceError

API_KEY_HEADER = "X-API-Key"
_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="one of SPASIBO_API_KEYS")


class ApiKeyCheck:
    """Accepts a key equal to one of ``keys``; with no keys configured, every request.

    Every key is compared (no early exit) so the time taken says nothing about which key nearly matched.
    ``spasibo serve`` refuses to listen beyond loopback without a key, so "no keys" only happens there.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self._keys = [key.encode() for key in keys]

    @property
    def enabled(self) -> bool:
        """True when at least one key is configured."""
        return bool(self._keys)

    def accepts(self, presented: str | None) -> bool:
        """True when ``presented`` is one of the keys (or no keys are configured)."""
        if not self._keys:
            return True
        candidate = (presented or "").encode()
        matched = False
        for key in self._keys:
            matched |= hmac.compare_digest(candidate, key)
        return matched

    def dependency(self) -> Callable[[str | None], Awaitable[None]]:
        """A FastAPI dependency raising a 401 ``ServiceError`` unless the request carries a valid key."""

        async def require_api_key(key: Annotated[str | None, Security(_scheme)]) -> None:
            if not self.accepts(key):
                raise ServiceError(
                    401,
                    "unauthorized",
                    f"missing or invalid {API_KEY_HEADER} header",
                    field=API_KEY_HEADER,
                    headers={"WWW-Authenticate": "ApiKey"},
                )

        return require_api_key
