"""Requests per second and p50/p99 latency of POST /reaction on a loopback `spasibo serve`.

The service runs in its own process (uvicorn, the offline fake WhatsApp client behind the pool) and this
script drives it from a second process with a bounded number of requests at a fixed concurrency, once with
in-memory rate limits and idempotency records and once with Redis (skipped when Redis is not reachable).
Every request is a distinct reaction (its own message id and phone), so each one is really sent.

    python benchmarks/service.py [--requests 2000] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import httpx

from spasibo.testing.service import start_serve, stop_serve

API_KEY = "benchmark-key"
REDIS_URL = os.environ.get("SPASIBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def drive(url: str, requests: int, concurrency: int, run_id: str) -> tuple[float, list[float], int]:
    """Send ``requests`` distinct reactions ``concurrency`` at a time; return elapsed, latencies, failures."""
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(requests):
        queue.put_nowait(number)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal failures
        while not queue.empty():
            number = queue.get_nowait()
            body = {
                "phone": f"+7900{number % 10_000_000:07d}",
                "emoji": "❤️",
                "messageId": f"{run_id}-{number}",
            }
            started = time.perf_counter()
            response = await client.post("/reaction", json=body)
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}, limits=limits) as client:
        await client.post("/reaction", json={"phone": "+79000000000", "emoji": "❤️", "messageId": "warm-up"})
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, failures


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


def run(storage: str, extra_env: dict[str, str], requests: int, concurrency: int) -> None:
    # the benchmark measures the service, not the per-phone limit
    env = {"SPASIBO_RATE_LIMIT_PER_PHONE_PER_MINUTE": "1000000", **extra_env}
    served = start_serve(API_KEY, env)
    try:
        run_id = f"{storage}-{time.time_ns()}"
        elapsed, latencies, failures = asyncio.run(drive(served.url, requests, concurrency, run_id))
    finally:
        stop_serve(served)
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{storage:<7} {requests:>6} requests, concurrency {concurrency:>3}: "
        f"{requests / elapsed:8.0f} req/s   "
        f"p50 {cuts[49] * 1000:6.1f} ms   p99 {cuts[98] * 1000:6.1f} ms   non-200 {failures}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    run("memory", {}, args.requests, args.concurrency)
    if redis_reachable():
        prefix = f"spasibo-bench-{os.getpid()}"
        run(
            "redis",
            {"SPASIBO_REDIS_URL": REDIS_URL, "SPASIBO_REDIS_KEY_PREFIX": prefix},
            args.requests,
            args.concurrency,
        )
    else:
        print(f"redis   skipped: no Redis at {REDIS_URL}")


if __name__ == "__main__":
    main()
