"""A real ``spasibo serve --fake-whatsapp`` subprocess on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServeProcess:
    """A running ``spasibo serve`` subprocess and its base URL; its stderr is a pipe (the server log)."""

    process: subprocess.Popen[bytes]
    url: str


def start_serve(api_key: str, env: dict[str, str] | None = None) -> ServeProcess:
    """Start ``spasibo serve --fake-whatsapp`` serving company ``default``; return once ``/ready`` is 200.

    ``env`` adds or overrides ``SPASIBO_*`` variables. Raises ``RuntimeError`` with the server's log when it
    exits or is not ready within ``STARTUP_TIMEOUT_S``.
    """
    port = free_port()
    full_env = {
        **os.environ,
        "SPASIBO_PORT": str(port),
        "SPASIBO_API_KEYS": api_key,
        "SPASIBO_COMPANIES": "default",
        # sessions added through the API are remembered in a file: a fresh one, not the working directory's
        "SPASIBO_SESSION_REGISTRY_PATH": str(
            Path(tempfile.mkdtemp(prefix="spasibo-serve-")) / "sessions.json"
        ),
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "spasibo", "serve", "--fake-whatsapp"],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/ready", timeout=1.0).status_code == 200:
                return ServeProcess(process, url)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    log = process.communicate()[1].decode(errors="replace")
    raise RuntimeError(f"spasibo serve did not become ready:\n{log}")


def stop_serve(served: ServeProcess) -> None:
    """Terminate the subprocess if it still runs (kill after ``STOP_TIMEOUT_S``) and reap it."""
    if served.process.poll() is None:
        served.process.terminate()
        try:
            served.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()
    if served.process.stderr is not None:
        served.process.stderr.close()
