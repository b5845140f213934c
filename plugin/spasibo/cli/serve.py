"""``spasibo serve``: run the reaction service (settings from ``SPASIBO_*`` variables, a few as options)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

EXIT_BAD_SETTINGS = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--host``, ``--port``, ``--env``, ``--rules`` and ``--fake-whatsapp``."""
    parser.add_argument("--host", help="address to listen on (SPASIBO_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (SPASIBO_PORT, default 8000)")
    parser.add_argument("--env", choices=["production", "development"], help="SPASIBO_ENV")
    parser.add_argument(
        "--rules",
        type=Path,
        help="a spasibo.toml: detect, apply its rules and react in the service itself (SPASIBO_RULES_PATH)",
    )
    parser.add_argument(
        "--fake-whatsapp",
        action="store_true",
        help="use the offline fake WhatsApp client, every session connected (tests and demos only)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until stopped; exit 2 with a message naming the setting when the settings are invalid."""
    from pydantic import ValidationError

    from spasibo.errors import ConfigError
    from spasibo.service.server import serve
    from spasibo.service.settings import ServiceSettings
    from spasibo.whatsapp.postgres_check import check_postgres

    overrides = {
        key: value
        for key, value in {"host": args.host, "port": args.port, "env": args.env}.items()
        if value is not None
    }
    if args.fake_whatsapp:
        overrides["whatsapp_client"] = "fake"
    if args.rules is not None:
        overrides["rules_path"] = args.rules
    try:
        settings = ServiceSettings(**overrides)
        pool_settings = settings.pool_settings()
        if pool_settings.uses_postgres and settings.whatsapp_client != "fake":
            # a missing database or refused SSL would otherwise look like sessions that never connect
            asyncio.run(check_postgres(pool_settings.auth_database))
        serve(settings)
    except ValidationError as error:
        for problem in error.errors():
            name = "SPASIBO_" + "_".join(str(part) for part in problem["loc"]).upper()
            print(f"spasibo serve: {name}: {problem['msg']}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    except ConfigError as error:
        print(f"spasibo serve: {error}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    return 0
