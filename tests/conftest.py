"""Shared fixtures. Tests that need a real server ask for it here: in CI (CI=true) a missing server is a
failure, on a developer's machine it is a skip with the reason."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_URL = os.environ.get("SPASIBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[1]
# where `make test` installs the example plugins of hooks/ (outside the venv's site-packages, see Makefile)
EXAMPLE_PLUGINS = Path(os.environ.get("SPASIBO_EXAMPLE_PLUGINS", ROOT / ".venv" / "example-plugins"))
POSTGRES_URL = os.environ.get(
    "SPASIBO_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
)


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        address = (parts.hostname or "127.0.0.1", parts.port or default_port)
        with socket.create_connection(address, timeout=1.0):
            return True
    except OSError:
        return False


def _missing(problem: str, remedy: str) -> NoReturn:
    """Fail in CI, which must provide everything (see .ci/run); elsewhere skip, saying what to do."""
    if IN_CI:
        pytest.fail(f"{problem}; CI must provide it (see .ci/run)", pytrace=False)
    pytest.skip(f"{problem}; {remedy} to run this test")


def _require(url: str, default_port: int, what: str) -> str:
    if not _reachable(url, default_port):
        _missing(f"{what} is not reachable at {url}", "start it or set the URL's environment variable")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of a real Redis server (database 15 by default, flushed by the tests that use it)."""
    return _require(REDIS_URL, 6379, "Redis")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """URL of a real PostgreSQL server."""
    return _require(POSTGRES_URL, 5432, "PostgreSQL")


@pytest.fixture(scope="session")
def redis_server_binary() -> str:
    """The path of ``redis-server``, for tests that run (and kill) a Redis of their own."""
    path = shutil.which("redis-server")
    if path is None:
        _missing("redis-server is not installed", "install it")
    return path


@pytest.fixture
def example_plugins(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example plugins of hooks/ on this process's path (and a child's, through PYTHONPATH)."""
    if not (EXAMPLE_PLUGINS / "spasibo_confirmation").is_dir():
        _missing(f"the example plugins are not installed in {EXAMPLE_PLUGINS}", "run `make test` once")
    monkeypatch.syspath_prepend(str(EXAMPLE_PLUGINS))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(EXAMPLE_PLUGINS), os.environ.get("PYTHONPATH")]))
    )
    return EXAMPLE_PLUGINS
