"""check_postgres names why neonize could not use a PostgreSQL auth database (against a real server)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from spasibo.errors import ConfigError
from spasibo.whatsapp.postgres_check import check_postgres

pytestmark = pytest.mark.postgres


def with_(url: str, *, path: str | None = None, query: str | None = None, user: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc if user is None else f"{user}@{parts.netloc.rpartition('@')[2]}"
    return parts._replace(
        path=parts.path if path is None else path,
        query=parts.query if query is None else query,
        netloc=netloc,
    ).geturl()


async def test_a_usable_database_passes(postgres_url: str) -> None:
    await check_postgres(postgres_url)


async def test_a_missing_database_says_to_create_it(postgres_url: str) -> None:
    with pytest.raises(
        ConfigError, match=r"database 'spasibo_no_such_db' does not exist: create it first \(createdb"
    ):
        await check_postgres(with_(postgres_url, path="/spasibo_no_such_db"))


async def test_ssl_refused_by_a_local_server_says_to_add_sslmode_disable(postgres_url: str) -> None:
    with pytest.raises(ConfigError, match=r"does not accept SSL.*add \?sslmode=disable"):
        await check_postgres(with_(postgres_url, query=""))


async def test_an_unknown_role_is_the_servers_own_reason(postgres_url: str) -> None:
    with pytest.raises(ConfigError, match=r'role "spasibo_no_such_role" does not exist'):
        await check_postgres(with_(postgres_url, user="spasibo_no_such_role"))


async def test_nothing_listening_is_said_plainly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    with pytest.raises(ConfigError, match="cannot reach the PostgreSQL server"):
        await check_postgres(f"postgres://postgres@127.0.0.1:{port}/x?sslmode=disable")


def test_spasibo_serve_names_a_missing_auth_database_before_serving(postgres_url: str) -> None:
    missing = with_(postgres_url, path="/spasibo_no_such_db")
    environ = {key: value for key, value in os.environ.items() if not key.startswith("SPASIBO_")}
    result = subprocess.run(
        [sys.executable, "-m", "spasibo", "serve"],
        env={**environ, "SPASIBO_WHATSAPP_AUTH_DATABASE": missing, "SPASIBO_PORT": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("spasibo serve: ")
    assert "database 'spasibo_no_such_db' does not exist: create it first" in result.stderr
    assert result.stderr.count("\n") == 1
