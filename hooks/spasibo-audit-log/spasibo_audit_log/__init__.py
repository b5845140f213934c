"""spasibo plugin: append one JSON line per reaction, sent or failed, to the file in ``SPASIBO_AUDIT_LOG``.

An observer: it implements ``spasibo_reaction_sent`` and ``spasibo_reaction_failed`` and changes nothing else.
Without ``SPASIBO_AUDIT_LOG`` set it writes nothing.

    {"event": "sent", "emoji": "❤️", "transport": "whatsapp", "company_id": "acme", "chat": "...", ...}
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spasibo import hookimpl
from spasibo.models import ReactionRequest, ReactionResult

AUDIT_LOG_ENV = "SPASIBO_AUDIT_LOG"


def _append(event: str, request: ReactionRequest, **extra: Any) -> None:
    path = os.environ.get(AUDIT_LOG_ENV)
    if not path:
        return
    message = request.message
    record = {
        "event": event,
        "at": datetime.now(UTC).isoformat(),
        "emoji": request.emoji,
        "transport": request.transport,
        "rule": request.rule,
        "platform": message.platform,
        "company_id": message.company_id,
        "chat": message.chat,
        "message_id": message.message_id,
        **extra,
    }
    with Path(path).open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")


@hookimpl
def spasibo_reaction_sent(request: ReactionRequest, result: ReactionResult) -> None:
    """Log a reaction that went out."""
    _append("sent", request, detail=result.detail)


@hookimpl
def spasibo_reaction_failed(request: ReactionRequest, error: Exception) -> None:
    """Log a reaction that did not go out, with the error."""
    _append("failed", request, error=f"{type(error).__name__}: {error}")
