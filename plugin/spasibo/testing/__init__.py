"""Fakes and fixtures for plugin authors and for spasibo's own tests.

Each fake replaces only the network: it keeps the real class's surface (a test compares them) and uses the
real library's data types wherever they work offline. The names below load their submodule on first use, so
``from spasibo.testing import FakeWhatsAppClient`` needs only the ``whatsapp`` extra, ``FakeBotAPI`` only the
``telegram`` one.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    "FakeClock": "spasibo.testing.app",
    "RecordingTransport": "spasibo.testing.app",
    "FakeWhatsAppClient": "spasibo.testing.whatsapp",
    "FakeClientFactory": "spasibo.testing.whatsapp",
    "ManualClock": "spasibo.testing.whatsapp",
    "FakeBotAPI": "spasibo.testing.telegram",
    "start_serve": "spasibo.testing.service",
    "stop_serve": "spasibo.testing.service",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'spasibo.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(module_name), name)
