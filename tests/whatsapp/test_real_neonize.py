"""The pool on the real neonize client, offline: a failed dial is a retryable failure that leaks one database
handle per connect, which the reachability probe spares while offline; auth goes to PostgreSQL.

neonize runs Go code that can abort the whole process, so each scenario runs in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SCENARIO = """
import asyncio, json, os, sys
from spasibo.whatsapp import PoolSettings, SessionPool

def handles_on(path):  # open file descriptors of this process on path (neonize's sqlite store)
    targets = (os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd"))
    return sum(1 for target in targets if target == os.path.realpath(path))

async def main(auth_database, overrides):
    settings = PoolSettings(auth_database=auth_database, reconnect_base_delay_s=0.05,
                            reconnect_max_attempts=2, offline_retry_interval_s=30,
                            pairing_timeout_s=20, lifecycle_call_timeout_s=15, **json.loads(overrides))
    async with SessionPool(settings) as pool:
        info = await pool.add_session("acme")
        client = pool._sessions["acme"].client
        first = {"state": info.state, "error": info.last_error, "client": type(client).__name__,
                 "database": client.name}
        for _ in range(200):  # wait (bounded) for the fast retries to run out
            if pool.session("acme").state == "offline":
                break
            await asyncio.sleep(0.05)
        final = pool.session("acme")
        stats = pool.stats()
        first.update(final_state=final.state, reason=final.terminal_reason, reconnects=stats.reconnects,
                     unreachable=stats.unreachable, connects=final.connects,
                     handles=handles_on(settings.neonize_database_name()))
        await pool.remove_session("acme")
        first["left"] = pool.internal_sizes()["sessions"]
        first["handles_after_removal"] = handles_on(settings.neonize_database_name())
    print(json.dumps(first))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def run_scenario(auth_database: str, **overrides: object) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", SCENARIO, auth_database, json.dumps(overrides)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert completed.returncode == 0, (
        f"neonize subprocess failed ({completed.returncode}):\n{completed.stderr[-3000:]}"
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_offline_connect_with_real_neonize_is_retried_then_waits_offline(tmp_path: Path):
    result = run_scenario(str(tmp_path / "auth"))
    assert result["client"] == "NewAClient"
    assert result["state"] == "reconnecting"
    assert "dial" in (result["error"] or "")
    assert result["final_state"] == "offline"
    assert result["reason"] is None
    # the probe found WhatsApp unreachable twice, so neonize was not called again: one connect, one handle
    assert (result["reconnects"], result["unreachable"], result["connects"]) == (0, 2, 1)
    assert result["handles"] == 1
    assert result["left"] == 0
    assert (tmp_path / "auth" / "whatsapp-auth.db").exists()  # neonize created its sqlite store there


@pytest.mark.slow
def test_every_real_neonize_connect_leaks_a_database_handle_that_removal_does_not_free(tmp_path: Path):
    # what the probe is for: without it every reconnect is a connect, and neonize's Go side opens a new
    # sqlstore container per connect that nothing closes (if this fails, neonize fixed it: revisit the docs)
    result = run_scenario(str(tmp_path / "auth"), reach_host=None)
    assert (result["final_state"], result["reconnects"], result["connects"]) == ("offline", 2, 3)
    assert result["handles"] == 3
    assert result["handles_after_removal"] == 3


def _psql(postgres_url: str, sql: str) -> str:
    psql = shutil.which("psql")
    if psql is None:
        if os.environ.get("CI"):
            pytest.fail("psql is needed to inspect the PostgreSQL auth store")
        pytest.skip("psql is not installed")
    return subprocess.run(
        [psql, postgres_url.split("?", 1)[0], "-Atc", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_url_keeps_the_auth_state_in_postgresql(postgres_url: str):
    # a database of its own: whatsmeow's schema upgrade looks for its tables in every schema of a database,
    # so a second store in another schema of the same database fails ("relation whatsmeow_version does not
    # exist")
    database = f"spasibo_wa_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(postgres_url)
    url = urlunsplit(parts._replace(path=f"/{database}"))
    _psql(postgres_url, f"CREATE DATABASE {database}")
    try:
        result = run_scenario(url)
        assert result["database"] == url  # neonize was given the URL as its database name
        assert "dial" in (result["error"] or "")  # the store was set up; only WhatsApp is unreachable
        tables = _psql(url, "SELECT tablename FROM pg_tables WHERE tablename LIKE 'whatsmeow%'").split()
        assert "whatsmeow_device" in tables
    finally:
        _psql(postgres_url, f"DROP DATABASE {database} WITH (FORCE)")


def test_settings_route_postgres_urls_and_sqlite_directories():
    from spasibo.whatsapp import PoolSettings

    assert PoolSettings(auth_database="postgres://u@h/db").neonize_database_name() == "postgres://u@h/db"
    assert PoolSettings(auth_database="postgresql://u@h/db").uses_postgres
    assert (
        PoolSettings(auth_database="/var/lib/bot").neonize_database_name() == "/var/lib/bot/whatsapp-auth.db"
    )
