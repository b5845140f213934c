"""Which optional extra brings which third-party package, and the one-line error that says what to install.

The core install is detection and the plugin API; every integration needs its extra. Importing an integration
without it raises ``MissingExtraError`` ("... needs the whatsapp extra: pip install 'spasibo[whatsapp]'")
instead of a bare ``No module named 'neonize'``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from spasibo.errors import SpasiboError

# top-level third-party package -> the extra that installs it
EXTRA_OF_PACKAGE: dict[str, str] = {
    "neonize": "whatsapp",
    "phonenumbers": "whatsapp",
    "httpx": "http",
    "aiogram": "telegram",
    "fastapi": "service",
    "starlette": "service",
    "uvicorn": "service",
    "pydantic_settings": "service",
    "prometheus_client": "service",
    "redis": "redis",
}


class MissingExtraError(SpasiboError, ModuleNotFoundError):
    """A feature was used whose optional extra is not installed; the message says what to install."""


def install_hint(extra: str) -> str:
    """``pip install 'spasibo[<extra>]'``."""
    return f"pip install 'spasibo[{extra}]'"


def missing_extra(error: ModuleNotFoundError, feature: str) -> ModuleNotFoundError:
    """``error`` as a ``MissingExtraError`` naming the extra when an extra's package is what is missing.

    Any other missing module (a bug, a broken install) is returned unchanged so it is not mislabelled.
    """
    package = (error.name or "").partition(".")[0]
    extra = EXTRA_OF_PACKAGE.get(package)
    if extra is None:
        return error
    return MissingExtraError(
        f"{feature} needs the {extra} extra ({package} is not installed): {install_hint(extra)}",
        name=error.name,
    )


def require(package: str, feature: str) -> ModuleType:
    """Import ``package``, or raise ``MissingExtraError`` saying which extra ``feature`` needs."""
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as error:
        raise missing_extra(error, feature) from None
