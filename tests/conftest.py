"""Shared fixtures. Tests that need a real server ask for it here: in CI (CI=true) a missing server is a
failure, on a developer's machine it is a skip with the reason."""

from __future__ import annotations

import os
import shutil
import socket
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_URL = os.environ.get("SPASIBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
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
