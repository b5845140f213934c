"""spasibo: answer customer gratitude in chatbots the way a person would.

    >>> from spasibo import detect
    >>> detect("Спасибо большое!").gratitude
    True

Names are imported lazily so that ``import spasibo`` stays fast; nothing is loaded or registered at import
time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "IncomingMessage": "spasibo.models",
    "IncomingReaction": "spasibo.models",
    "Verdict": "spasibo.models",
    "ReactionRequest": "spasibo.models",
    "ReactionResult": "spasibo.models",
    "Platform": "spasibo.models",
    "Outcome": "spasibo.models",
    "SkipReason": "spasibo.models",
    "SpasiboError": "spasibo.errors",
    "ConfigError": "spasibo.errors",
    "ReactionError": "spasibo.errors",
    "Transport": "spasibo.transport",
    "GratitudeDetector": "spasibo.detection",
    "detect": "spasibo.detection",
    "normalize_phone": "spasibo.phone",
    "SessionPool": "spasibo.whatsapp",
    "WhatsAppTransport": "spasibo.whatsapp",
    "HttpReactionSender": "spasibo.http_sender",
    "Spasibo": "spasibo.app",
    "SpasiboSettings": "spasibo.settings",
    "get_plugin_manager": "spasibo.manager",
    "hookimpl": "spasibo.hookspecs",
    "verify_webhook": "spasibo.webhook_signature",
}

__all__ = [  # spelled out so that linters and type checkers see every public name
    "ConfigError",
    "GratitudeDetector",
    "HttpReactionSender",
    "IncomingMessage",
    "IncomingReaction",
    "Outcome",
    "Platform",
    "ReactionError",
    "ReactionRequest",
    "ReactionResult",
    "SessionPool",
    "SkipReason",
    "Spasibo",
    "SpasiboError",
    "SpasiboSettings",
    "Transport",
    "Verdict",
    "WhatsAppTransport",
    "__version__",
    "detect",
    "get_plugin_manager",
    "hookimpl",
    "normalize_phone",
    "verify_webhook",
]

if TYPE_CHECKING:
    from spasibo.app import Spasibo
    from spasibo.detection import GratitudeDetector, detect
    from spasibo.errors import ConfigError, ReactionError, SpasiboError
    from spasibo.hookspecs import hookimpl
    from spasibo.http_sender import HttpReactionSender
    from spasibo.manager import get_plugin_manager
    from spasibo.models import (
        IncomingMessage,
        IncomingReaction,
        Outcome,
        Platform,
        ReactionRequest,
        ReactionResult,
        SkipReason,
        Verdict,
    )
    from spasibo.phone import normalize_phone
    from spasibo.settings import SpasiboSettings
    from spasibo.transport import Transport
    from spasibo.webhook_signature import verify_webhook
    from spasibo.whatsapp import SessionPool, WhatsAppTransport


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'spasibo' has no attribute {name!r}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        from spasibo.extras import missing_extra

        raise missing_extra(error, f"spasibo.{name}") from None
    value = getattr(module, name)
    globals()[name] = value
    return value
