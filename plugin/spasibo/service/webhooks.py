"""Delivering one event to the bot's webhook: signed POST, retries with exponential backoff and full jitter.

An attempt succeeds on any 2xx answer. A connection failure, a timeout, a 5xx, 408 or 429 is retried after
``random(0, min(backoff_max_s, backoff_base_s · 2^(n-1)))`` seconds, up to ``max_attempts``; any other 4xx
means the bot refuses this event, so it is dead-lettered at once. A dead letter keeps the event, the attempts
and the last error (never the URL or the secret) for the API's dead-letter list.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

import httpx
from pydantic import BaseModel, Field

from spasibo.models import utc_now
from spasibo.service.metrics import ServiceMetrics
from spasibo.service.webhook_clients import WebhookClients
from spasibo.webhook_signature import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_webhook

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
_RETRY_STATUSES = frozenset({408, 429})


class DeadLetter(BaseModel):
    """An event the bot's webhook never accepted."""

    event: dict[str, Any]
    attempts: int
    lastError: str = Field(description="the last answer's status, or the kind of network failure")
    failedAt: datetime = Field(default_factory=utc_now)


class WebhookTarget(NamedTuple):
    """Where one company's events go and the secret that signs them."""

    url: str
    secret: str


class WebhookTargets:
    """Where a company's events go and what signs them: its own URL and secret if configured, else the global
    ones, else nowhere. The settings refuse a URL that would have no secret.
    """

    def __init__(
        self,
        global_url: str | None,
        per_company: Mapping[str, str],
        *,
        secret: str | None,
        secrets: Mapping[str, str] | None = None,
    ) -> None:
        self._global = global_url
        self._per_company = dict(per_company)
        self._secret = secret
        self._secrets = dict(secrets or {})

    @property
    def any(self) -> bool:
        """True when at least one URL is configured (else there is nothing to deliver)."""
        return bool(self._global or self._per_company)

    def target_for(self, company_id: str) -> WebhookTarget | None:
        """The webhook URL for ``company_id``'s events and its secret, or None when it has no URL."""
        url = self._per_company.get(company_id, self._global)
        if url is None:
            return None
        secret = self._secrets.get(company_id, self._secret)
        assert secret is not None, f"webhook URL of {company_id!r} without a secret: the settings refuse it"
        return WebhookTarget(url, secret)


class WebhookSender:
    """Signs and posts event bodies; ``deliver`` retries one event until it is accepted or dead."""

    def __init__(
        self,
        targets: WebhookTargets,
        *,
        metrics: ServiceMetrics,
        timeout_s: float,
        max_attempts: int,
        backoff_base_s: float,
        backoff_max_s: float,
        concurrency: int,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.targets = targets
        self._metrics = metrics
        self.max_attempts = max_attempts
        self._backoff_base_s = backoff_base_s
        self._backoff_max_s = backoff_max_s
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clients = WebhookClients(timeout_s=timeout_s, keep_idle=concurrency)

    def backoff_s(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (1-based): full jitter below the exponential cap."""
        cap = min(self._backoff_max_s, self._backoff_base_s * 2.0 ** (attempt - 1))
        return self._rng.uniform(0.0, cap)

    async def deliver(
        self, body: str, *, before_retry: Callable[[], Awaitable[None]] | None = None
    ) -> DeadLetter | None:
        """Post the event ``body`` (its JSON) until accepted; None then, else the ``DeadLetter``.

        ``before_retry`` runs before each wait (the Redis outbox uses it to keep its claim on the entry).
        """
        event = json.loads(body)
        target = self.targets.target_for(event["companyId"])
        if target is None:
            return None
        raw = body.encode()
        attempt = 0
        while True:
            attempt += 1
            error, retryable = await self._attempt(target, raw, event["id"])
            if error is None:
                self._delivered(event)
                return None
            self._metrics.webhook_failures.labels(error).inc()
            if not retryable or attempt >= self.max_attempts:
                self._metrics.dead_letters.inc()
                log.warning("event %s dead-lettered after %d attempts: %s", event["id"], attempt, error)
                return DeadLetter(event=event, attempts=attempt, lastError=error)
            if before_retry is not None:
                await before_retry()
            await self._sleep(self.backoff_s(attempt))

    async def _attempt(self, target: WebhookTarget, body: bytes, event_id: str) -> tuple[str | None, bool]:
        """One POST: (None, _) when accepted, else (what went wrong, whether to retry)."""
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: event_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign_webhook(target.secret, timestamp, body),
        }
        try:
            async with self._clients.client_for(target.url) as http:
                response = await http.post(target.url, content=body, headers=headers)
        except httpx.TimeoutException:
            return "timeout", True
        except httpx.HTTPError as error:
            return type(error).__name__, True
        status = response.status_code
        if 200 <= status < 300:
            return None, False
        return f"HTTP {status}", status >= 500 or status in _RETRY_STATUSES

    def _delivered(self, event: dict[str, Any]) -> None:
        self._metrics.events_delivered.inc()
        published = datetime.fromisoformat(event["publishedAt"])
        self._metrics.delivery_delay.observe(max(0.0, (utc_now() - published).total_seconds()))

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._clients.aclose()
