"""What one neonize connect() leaves behind: open handles on the auth store and resident memory, per connect.

Run: .venv/bin/python benchmarks/neonize_connects.py [--connects 300] [--postgres URL]

It connects a real ``NewAClient`` (neonize's Go library, sqlite store in a temporary directory) through a
proxy address on loopback where nothing listens, so every connect fails at once and no packet leaves the
machine, then stops it, as the session pool does for each failed attempt. Two ways: one client connected
again and again, and a new client (same store, same id) per connect, which is what recycling the client would
do. It prints, after 1 connect and after all of them: file descriptors open on the store, all open file
descriptors, resident memory (VmRSS) and threads, and the growth per connect. With ``--postgres URL`` (an
empty database of its own, dropped afterwards by you) it also connects with that store and prints the
PostgreSQL server connections open to it (``psql`` asks ``pg_stat_activity``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from neonize._binder import ProxySettings
from neonize.aioze import events as neonize_events
from neonize.aioze.client import NewAClient
from neonize.exc import NeonizeError


def closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def snapshot(store: Path) -> dict[str, int]:
    """Descriptors on ``store``, all descriptors, VmRSS (KiB) and threads of this process now."""
    targets = [os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")]
    status = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    return {
        "store_fds": sum(1 for target in targets if target == str(store.resolve())),
        "fds": len(targets),
        "rss_kib": int(status["VmRSS"].split()[0]),
        "threads": int(status["Threads"]),
    }


async def connect_and_stop(client: NewAClient, proxy: ProxySettings) -> str:
    task = await client.connect(proxy)
    try:
        await task
    except NeonizeError as error:
        return str(error)
    finally:
        await client.stop()
    return ""


async def measure(connects: int, new_client_each_time: bool) -> None:
    neonize_events.event_global_loop = asyncio.get_running_loop()
    proxy = ProxySettings(proxy_address=f"socks5://127.0.0.1:{closed_loopback_port()}")
    with tempfile.TemporaryDirectory(prefix="spasibo-neonize-") as directory:
        store = Path(directory) / "whatsapp-auth.db"
        client = NewAClient(str(store), uuid="leak-probe")
        error = await connect_and_stop(client, proxy)
        first = snapshot(store)
        started = time.perf_counter()
        for _ in range(connects - 1):
            if new_client_each_time:
                client = NewAClient(str(store), uuid="leak-probe")
            error = await connect_and_stop(client, proxy)
        elapsed = time.perf_counter() - started
        last = snapshot(store)
    label = "new client per connect" if new_client_each_time else "one client"
    growth = {key: (last[key] - first[key]) / (connects - 1) for key in first}
    print(f"{label}: {connects} connects in {elapsed:.2f} s; each failed with: ...{error[-80:]}")
    for key in first:
        print(
            f"  {key:<10} after 1: {first[key]:>7}   after {connects}: {last[key]:>7}   "
            f"per connect: {growth[key]:+.2f}"
        )


def server_connections(url: str) -> int:
    """Connections PostgreSQL holds open to the database of ``url``."""
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("--postgres needs psql")
    database = urlsplit(url).path.lstrip("/")
    query = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    answer = subprocess.run(
        [psql, url.split("?", 1)[0], "-Atc", query], capture_output=True, text=True, check=True, timeout=30
    )
    return int(answer.stdout.strip())


async def measure_postgres(url: str, connects: int) -> None:
    neonize_events.event_global_loop = asyncio.get_running_loop()
    proxy = ProxySettings(proxy_address=f"socks5://127.0.0.1:{closed_loopback_port()}")
    client = NewAClient(url, uuid="leak-probe-postgres")
    await connect_and_stop(client, proxy)
    first = server_connections(url)
    for _ in range(connects - 1):
        await connect_and_stop(client, proxy)
    last = server_connections(url)
    print(f"postgres store: {connects} connects")
    print(
        f"  server connections after 1: {first:>5}   after {connects}: {last:>5}   "
        f"per connect: {(last - first) / (connects - 1):+.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connects", type=int, default=300)
    parser.add_argument("--postgres", metavar="URL", help="also measure this PostgreSQL store (own database)")
    args = parser.parse_args()
    for new_client_each_time in (False, True):
        asyncio.run(measure(args.connects, new_client_each_time))
    if args.postgres:
        asyncio.run(measure_postgres(args.postgres, min(args.connects, 50)))


if __name__ == "__main__":
    main()
