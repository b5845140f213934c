"""Figures for the WhatsApp session pool on fake clients: churn, memory per session, send overhead.

Run: .venv/bin/python benchmarks/pool.py [--sizes 1 100 1000] [--churn 500] [--sends 2000]

For each pool size N (sessions already connected) it prints:
- churn: add+remove cycles per second of one extra session while N are live;
- memory: Python heap per connected session (tracemalloc, fake client included);
- send: µs per reaction through pool.send_reaction, with neonize's real build_reaction (Go, via a thread)
  and with a pure-Python build, so the pool's own overhead shows apart from neonize's.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import tempfile
import time
import tracemalloc

from spasibo.testing.whatsapp import FakeClientFactory
from spasibo.whatsapp import PoolSettings, SessionPool

CUSTOMER = "79001234567@s.whatsapp.net"


async def measure(size: int, churn_cycles: int, sends: int, auth_dir: str) -> dict[str, float]:
    factory = FakeClientFactory(configure=lambda client: setattr(client, "logged_in", True))
    settings = PoolSettings(auth_database=auth_dir, max_sessions=size + 1)
    async with SessionPool(settings, client_factory=factory) as pool:
        gc.collect()
        tracemalloc.start()
        before, _ = tracemalloc.get_traced_memory()
        await asyncio.gather(*(pool.add_session(f"c{i}") for i in range(size)))
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        factory.forget()

        started = time.perf_counter()
        for _ in range(churn_cycles):
            await pool.add_session("churn")
            await pool.remove_session("churn")
        churn_per_s = churn_cycles / (time.perf_counter() - started)

        timings = {}
        for label, real_build in (("send_us_neonize_build", True), ("send_us_python_build", False)):
            clients = list(pool._sessions.values())
            for session in clients:
                session.client.real_build = real_build  # type: ignore[attr-defined]
            started = time.perf_counter()
            for i in range(sends):
                await pool.send_reaction(f"c{i % size}", CUSTOMER, "❤️", f"M{i}")
            timings[label] = (time.perf_counter() - started) / sends * 1e6
            for session in clients:
                session.client.sent.clear()  # type: ignore[attr-defined]
    return {
        "sessions": size,
        "churn_per_s": churn_per_s,
        "kib_per_session": (after - before) / size / 1024,
        **timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--churn", type=int, default=500, help="add+remove cycles per size")
    parser.add_argument("--sends", type=int, default=2000, help="reactions per size and build mode")
    args = parser.parse_args()
    logging.getLogger("spasibo").setLevel(logging.WARNING)
    print(
        f"{'sessions':>8} {'churn add+remove/s':>19} {'KiB/session':>12} {'µs/reaction (neonize build)':>28} "
        f"{'µs/reaction (pool only)':>24}"
    )
    with tempfile.TemporaryDirectory() as auth_dir:
        for size in args.sizes:
            row = asyncio.run(measure(size, args.churn, args.sends, auth_dir))
            print(
                f"{row['sessions']:>8} {row['churn_per_s']:>19.0f} {row['kib_per_session']:>12.1f} "
                f"{row['send_us_neonize_build']:>28.0f} {row['send_us_python_build']:>24.0f}"
            )


if __name__ == "__main__":
    main()
