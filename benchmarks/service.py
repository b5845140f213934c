"""CPU per ``POST /reaction`` against a floor, req/s and p99 under wrk, and webhook delivery, in one run.

Every server runs in its own process on loopback with the same stack (uvicorn; uvloop and httptools when
installed, as ``spasibo[service]`` brings them): the floor is a bare FastAPI endpoint that validates the same
body model (``ReactionBody``) and answers a fixed ``ReactionAnswer``; the service is ``spasibo serve
--fake-whatsapp`` with in-memory state and with Redis. ``wrk`` (Debian package ``wrk``) drives each at
concurrency 20 and 100 with a distinct reaction per request, so every request is really sent; the server's CPU
time over the run (``/proc/<pid>/stat``) divided by the requests answered is its CPU per request.

The webhook part starts the service with a webhook to a loopback receiver in this process, injects messages
through the fake-only ``/fake/messages`` endpoint and reports the delay from queueing (``publishedAt``) to
the receiver in a steady stream of ``--flowing-rate`` messages a second, and how many events a second the
service delivers from a backlog.

    python benchmarks/service.py [--duration-s 10] [--events 3000] [--flowing-rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from spasibo.testing.service import ServeProcess, free_port, launch, start_serve, stop_serve
from spasibo.testing.webhooks import WebhookReceiver

API_KEY = "benchmark-key"
REDIS_URL = os.environ.get("SPASIBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CONCURRENCIES = (20, 100)
WRK_THREADS = 2
CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")
NO_LIMIT = {"SPASIBO_RATE_LIMIT_PER_PHONE_PER_MINUTE": "100000000"}  # measure the service, not the limit
# a held webhook answer is not a failure to retry: the sender waits for it (and keeps its claim meanwhile)
HOLD_WITHOUT_RETRIES = {"SPASIBO_WEBHOOK_TIMEOUT_S": "600", "SPASIBO_EVENTS_CLAIM_IDLE_S": "1200"}

# one distinct reaction per request: a per-thread prefix (set up by wrk) and a counter
WRK_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  prefix = args[1] .. "-" .. tostring(tid)
  counter = 0
end
request = function()
  counter = counter + 1
  local phone = (tid * 1000000 + counter) % 10000000
  local body = string.format(
    '{"phone":"+7900%07d","emoji":"\\\\u2764\\\\ufe0f","messageId":"%s-%d"}', phone, prefix, counter)
  return wrk.format("POST", "/reaction",
    {["Content-Type"] = "application/json", ["X-API-Key"] = "benchmark-key"}, body)
end
"""

FLOOR_APP = """
import sys, uvicorn
from fastapi import FastAPI
from spasibo.service.schemas import ReactionAnswer, ReactionBody

app = FastAPI()

@app.post("/reaction", response_model=ReactionAnswer)
async def reaction(body: ReactionBody) -> ReactionAnswer:
    return ReactionAnswer(phone=body.phone, emoji=body.emoji, messageId=body.messageId, companyId="default")

@app.get("/ready")
async def ready() -> dict[str, str]:
    return {"status": "ok"}

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_S


def start_floor() -> ServeProcess:
    port = free_port()
    return launch([sys.executable, "-c", FLOOR_APP, str(port)], port)


def wrk(url: str, concurrency: int, duration_s: int, script: Path) -> tuple[int, float, float, int]:
    """(requests, req/s, p99 ms, non-2xx) of one wrk run against ``url``."""
    run_id = f"r{time.time_ns()}"
    output = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{concurrency}",
            f"-d{duration_s}s",
            "--latency",
            "-s",
            str(script),
            url,
            "--",
            run_id,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    assert p99 is not None, output
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return requests, rate, p99_ms, int(bad.group(1)) if bad else 0


def measure(name: str, served: ServeProcess, duration_s: int, script: Path) -> dict[int, float]:
    """Print one line per concurrency; return CPU ms per request by concurrency."""
    wrk(served.url, 20, 1, script)  # warm up
    cpu_per_request = {}
    for concurrency in CONCURRENCIES:
        before = cpu_s(served.process.pid)
        requests, rate, p99_ms, bad = wrk(served.url, concurrency, duration_s, script)
        used = cpu_s(served.process.pid) - before
        cpu_per_request[concurrency] = used / requests * 1000
        print(
            f"{name:<16} c={concurrency:<3} {rate:8.0f} req/s   p99 {p99_ms:7.1f} ms   "
            f"CPU {cpu_per_request[concurrency]:.3f} ms/request   non-2xx {bad}",
            flush=True,
        )
    return cpu_per_request


async def deliver_events(
    extra_env: dict[str, str], events: int, *, rate: float | None
) -> tuple[float, float, float, float]:
    """(events/s delivered, p50 and p99 delay in ms from queueing to the receiver, the server's CPU ms per
    event) for ``events`` injected; the CPU counts injection and delivery when flowing, delivery alone for a
    backlog.

    Flowing (``rate`` events/s), messages are injected at that steady rate, as customers' messages arrive,
    and the delay is the one a bot sees at that load. As a backlog (``rate`` None) the receiver holds its
    answers until every event is queued (the sender's timeout is lifted so that nothing is retried), then
    the rate is how fast the service drains the backlog: its delivery capacity.
    """
    backlog = rate is None
    async with WebhookReceiver(hold=asyncio.Event() if backlog else None) as receiver:
        env = {
            **NO_LIMIT,
            "SPASIBO_WEBHOOK_URL": receiver.url,
            "SPASIBO_WEBHOOK_SECRET": receiver.secret,
            **(HOLD_WITHOUT_RETRIES if backlog else {}),
            **extra_env,
        }
        served = await asyncio.to_thread(start_serve, API_KEY, env)
        offset_s = time.time() - time.monotonic()  # receiver times are monotonic; events carry wall time
        try:
            limits = httpx.Limits(max_connections=20)  # a busy server may answer slowly: a long timeout
            async with httpx.AsyncClient(
                base_url=served.url, headers={"X-API-Key": API_KEY}, limits=limits, timeout=60.0
            ) as http:
                pending = asyncio.Queue[int]()
                for number in range(events):
                    pending.put_nowait(number)
                started = time.monotonic()

                async def inject() -> None:
                    while not pending.empty():
                        number = pending.get_nowait()
                        if rate is not None:  # the message's turn in a steady stream
                            await asyncio.sleep(started + number / rate - time.monotonic())
                        body = {
                            "text": f"message {number}",
                            "chat": "79001234567@s.whatsapp.net",
                            "messageId": f"EV{number:08d}",
                        }
                        (await http.post("/fake/messages", json=body)).raise_for_status()

                cpu_before = cpu_s(served.process.pid)
                await asyncio.gather(*(inject() for _ in range(20)))
                released = time.monotonic()
                if receiver.hold is not None:
                    await asyncio.sleep(0.5)  # the last events reach the held receiver
                    cpu_before = cpu_s(served.process.pid)
                    released = time.monotonic()
                    receiver.hold.set()
                await receiver.wait_for(events, timeout_s=120)
                cpu_ms = (cpu_s(served.process.pid) - cpu_before) / events * 1000
        finally:
            await asyncio.to_thread(stop_serve, served)
    published = []
    delays = []
    for record in receiver.accepted():
        queued = datetime.fromisoformat(json.loads(record.body)["publishedAt"]).timestamp()
        published.append(queued)
        delays.append(record.received_at + offset_s - queued)
    last = max(r.answered_at or 0.0 for r in receiver.accepted())
    start = released if backlog else min(published) - offset_s
    centiles = statistics.quantiles(delays, n=100)
    return events / (last - start), centiles[49] * 1000, centiles[98] * 1000, cpu_ms


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


def server_stack() -> str:
    try:
        import httptools  # noqa: F401
        import uvloop  # noqa: F401
    except ImportError:
        return "uvicorn, pure-Python asyncio + h11 (install uvicorn[standard] for uvloop + httptools)"
    return "uvicorn with uvloop + httptools"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration-s", type=int, default=10)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--flowing-rate", type=float, default=200.0, help="events/s of the flowing run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("benchmarks/service.py needs wrk (Debian: apt-get install wrk)")
    print(
        f"server stack: {server_stack()}; wrk {WRK_THREADS} threads, {args.duration_s} s per run", flush=True
    )
    modes: list[tuple[str, dict[str, str]]] = [("memory", {})]
    if redis_reachable():
        modes.append(
            ("redis", {"SPASIBO_REDIS_URL": REDIS_URL, "SPASIBO_REDIS_KEY_PREFIX": f"bench-{os.getpid()}"})
        )
    else:
        print(f"redis mode skipped: no Redis at {REDIS_URL}")
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "reaction.lua"
        script.write_text(WRK_SCRIPT)
        floor = start_floor()
        try:
            floor_cpu = measure("floor (FastAPI)", floor, args.duration_s, script)
        finally:
            stop_serve(floor)
        for mode, env in modes:
            served = start_serve(API_KEY, {**NO_LIMIT, **env})
            try:
                cpu = measure(f"/reaction {mode}", served, args.duration_s, script)
            finally:
                stop_serve(served)
            ratios = "  ".join(f"c={c}: {cpu[c] / floor_cpu[c]:.2f}x" for c in CONCURRENCIES)
            print(f"{'':<16} CPU per request vs the floor: {ratios} (target <= 2x)", flush=True)
    for mode, env in modes:
        rate, p50_ms, p99_ms, flowing_cpu_ms = asyncio.run(
            deliver_events(env, args.events, rate=args.flowing_rate)
        )
        capacity, _, _, drain_cpu_ms = asyncio.run(deliver_events(env, args.events, rate=None))
        print(
            f"webhooks {mode:<7} {args.events} events, flowing at {rate:4.0f}/s: delay p50 {p50_ms:6.1f} ms "
            f"p99 {p99_ms:6.1f} ms, CPU {flowing_cpu_ms:.2f} ms/event (injection + delivery)\n"
            f"{'':<16} a backlog drains at {capacity:5.0f} events/s, CPU {drain_cpu_ms:.2f} ms/event "
            "(target >= 500 events/s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
