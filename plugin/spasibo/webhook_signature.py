"""Signing and verifying the service's webhooks: HMAC-SHA256 over ``<timestamp>.<body>`` (standard library).

The service sends every webhook with three headers: ``X-Spasibo-Event-Id`` (dedupe on it: delivery is at least
once), ``X-Spasibo-Timestamp`` (Unix seconds) and ``X-Spasibo-Signature: v1=<hex>``, the HMAC-SHA256 of
``f"{timestamp}.".encode() + body`` under the company's secret (its entry in ``SPASIBO_WEBHOOK_SECRETS``,
else ``SPASIBO_WEBHOOK_SECRET``). A bot checks it with ``verify_webhook(secret, headers, body)`` before
trusting the body; it lives here, outside ``service/``, so a bot needs no server dependencies to use it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

EVENT_ID_HEADER = "X-Spasibo-Event-Id"
TIMESTAMP_HEADER = "X-Spasibo-Timestamp"
SIGNATURE_HEADER = "X-Spasibo-Signature"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_S = 300.0  # a signed request older (or newer) than this is refused: replays stay short


class WebhookSignatureError(ValueError):
    """The webhook is not signed with the secret, or its timestamp is outside the tolerance."""


def sign_webhook(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Spasibo-Signature`` value for ``body`` sent at ``timestamp``: ``v1=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """The event in ``body`` once its signature and timestamp check out; ``WebhookSignatureError`` if not.

    ``headers`` may be any mapping (case-insensitive ones such as Starlette's or httpx's, or a plain dict
    with the header names as sent). Verify the raw body bytes, before any JSON parsing.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    timestamp_text = lowered.get(TIMESTAMP_HEADER.lower(), "")
    signature = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not timestamp_text.isdigit() or not signature:
        raise WebhookSignatureError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    timestamp = int(timestamp_text)
    if abs(clock() - timestamp) > tolerance_s:
        raise WebhookSignatureError(f"{TIMESTAMP_HEADER} is more than {tolerance_s:g} s away from now")
    if not hmac.compare_digest(sign_webhook(secret, timestamp, body), signature):
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} does not match the body and the secret")
    event: dict[str, Any] = json.loads(body)
    return event
