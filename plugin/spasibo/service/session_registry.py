"""Which companies' sessions were added through the API, kept across restarts: in Redis, else in a file.

``POST /sessions`` adds a company, ``DELETE /sessions/{id}`` and ``POST /sessions/{id}/logout`` remove it;
at start-up the service wants the registered companies as well as ``SPASIBO_COMPANIES`` and restarts their
sessions from their stored logins. In Redis the registry is shared, so every instance knows (and can take
over) a company any of them added.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)


class SessionRegistry(Protocol):
    """The companies added through the API."""

    async def companies(self) -> set[str]:
        """Every registered company."""

    async def contains(self, company_id: str) -> bool:
        """Whether ``company_id`` is registered."""

    async def add(self, company_id: str) -> None:
        """Register ``company_id`` (no-op when it is)."""

    async def remove(self, company_id: str) -> None:
        """Forget ``company_id`` (no-op when it is not registered)."""

    async def aclose(self) -> None:
        """Release connections."""


class FileRegistry:
    """One instance's registry in a JSON file (``{"companies": [...]}``), replaced atomically on change.

    A missing file is an empty registry; an unreadable one is logged and treated as empty, and is replaced
    at the next change rather than stopping the service.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._companies = self._load()

    async def companies(self) -> set[str]:
        return set(self._companies)

    async def contains(self, company_id: str) -> bool:
        return company_id in self._companies

    async def add(self, company_id: str) -> None:
        if company_id not in self._companies:
            self._companies.add(company_id)
            self._save()

    async def remove(self, company_id: str) -> None:
        if company_id in self._companies:
            self._companies.discard(company_id)
            self._save()

    async def aclose(self) -> None:
        return None

    def _load(self) -> set[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(company) for company in data["companies"]}
        except FileNotFoundError:
            return set()
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.error("session registry %s is unreadable (%s); starting without it", self.path, error)
            return set()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"companies": sorted(self._companies)}, indent=2) + "\n"
        # write beside it and rename: a crash mid-write never leaves half a registry
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=self.path.parent, prefix=f".{self.path.name}.", delete=False
        ) as handle:
            handle.write(text)
        os.replace(handle.name, self.path)


class RedisRegistry:
    """The registry shared by every instance: a Redis set under ``<prefix>:companies``."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._key = f"{prefix}:companies"

    async def companies(self) -> set[str]:
        return {str(company) for company in await self._redis.smembers(self._key)}  # type: ignore[misc]

    async def contains(self, company_id: str) -> bool:
        return bool(await self._redis.sismember(self._key, company_id))  # type: ignore[misc]

    async def add(self, company_id: str) -> None:
        await self._redis.sadd(self._key, company_id)  # type: ignore[misc]

    async def remove(self, company_id: str) -> None:
        await self._redis.srem(self._key, company_id)  # type: ignore[misc]

    async def aclose(self) -> None:
        await self._redis.aclose()
