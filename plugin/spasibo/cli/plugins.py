"""``spasibo plugins [--json]``: the loaded plugins, where they come from and the hooks each implements.

Built-in plugins first, then installed ones (entry-point group ``spasibo``) with their distribution and
version, then the installed plugins that failed to load (with the reason) and those blocked by
``SPASIBO_BLOCK_PLUGINS``; as ``datasette plugins`` or ``pytest --trace-config`` show theirs.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--json``."""
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")


def plugin_rows() -> list[dict[str, Any]]:
    """One row per plugin: ``name``, ``source`` (built-in or the distribution), ``version``, ``hooks``,
    ``status`` (loaded, failed or blocked) and, for a failure, ``error``.
    """
    from spasibo import __version__
    from spasibo.default_plugins import DEFAULT_PLUGIN_NAMES
    from spasibo.manager import blocked_plugin_names, get_plugin_manager

    pm = get_plugin_manager()
    rows: list[dict[str, Any]] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        source, version = (
            ("built-in", __version__)
            if name in DEFAULT_PLUGIN_NAMES
            else pm.distributions.get(name, ("", ""))
        )
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        rows.append({"name": name, "source": source, "version": version, "hooks": hooks, "status": "loaded"})
    for name, error in pm.load_failures.items():
        source, version = pm.distributions[name]
        rows.append(
            {
                "name": name,
                "source": source,
                "version": version,
                "hooks": [],
                "status": "failed",
                "error": error,
            }
        )
    for name in blocked_plugin_names():
        rows.append({"name": name, "source": "", "version": "", "hooks": [], "status": "blocked"})
    return rows


def run(args: argparse.Namespace) -> int:
    """Print the plugins; 1 when an installed plugin failed to load, else 0."""
    rows = plugin_rows()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        width = max(len(row["name"]) for row in rows)
        origins = [f"{row['source']} {row['version']}".strip() for row in rows]
        origin_width = max(len(origin) for origin in origins)
        for row, origin in zip(rows, origins, strict=True):
            if row["status"] == "loaded":
                detail = ", ".join(row["hooks"]) or "(no hooks)"
            elif row["status"] == "failed":
                detail = f"FAILED to load: {row['error']}"
            else:
                detail = "blocked by SPASIBO_BLOCK_PLUGINS"
            print(f"{row['name']:<{width}}  {origin:<{origin_width}}  {detail}")
    return 1 if any(row["status"] == "failed" for row in rows) else 0
