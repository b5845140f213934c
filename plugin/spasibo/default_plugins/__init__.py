"""The built-in behaviour as ordinary plugins; every hook implementation is ``trylast``, so others win.

``default_plugins()`` returns fresh instances for one plugin manager; names are what ``SPASIBO_BLOCK_PLUGINS``
and error messages use.
"""

from __future__ import annotations


def default_plugins() -> dict[str, object]:
    """The built-in plugins by name, in registration order (new objects on each call)."""
    from spasibo.default_plugins import console, detector, http, phrases, rules, sending

    return {
        "spasibo.phrases": phrases,
        "spasibo.detector": detector.DetectorPlugin(),
        "spasibo.rules": rules,
        "spasibo.console": console,
        "spasibo.sending": sending,
        "spasibo.http": http,
    }


DEFAULT_PLUGIN_NAMES = (
    "spasibo.phrases",
    "spasibo.detector",
    "spasibo.rules",
    "spasibo.console",
    "spasibo.sending",
    "spasibo.http",
)
