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
    """A running server subprocess, its base URL and the file its stderr (the server log) goes to.

    The log is a file, not a pipe: a pipe nobody reads fills up and stalls a chatty server mid-test.
    """

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log(self) -> str:
        """What the server has logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def launch(command: list[str], port: int, env: dict[str, str] | None = None) -> ServeProcess:
    """Start ``command``, a server on ``port``, logging to a temporary file; return once ``/ready`` is 200.

    Raises ``RuntimeError`` with the server's log when it exits or is not ready within ``STARTUP_TIMEOUT_S``.
    """
    log_path = Path(tempfile.mkdtemp(prefix="spasibo-serve-")) / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    served = ServeProcess(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{served.url}/ready", timeout=1.0).status_code == 200:
                return served
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"{' '.join(command)} did not become ready:\n{served.log()}")


def start_serve(api_key: str, env: dict[str, str] | None = None) -> ServeProcess:
    """Start ``spasibo serve --fake-whatsapp`` serving company ``default``; return once ``/ready`` is 200.

    ``env`` adds or overrides ``SPASIBO_*`` variables. Raises ``RuntimeError`` with the server's log when it
    exits or is not ready within ``STARTUP_TIMEOUT_S``; ``ServeProcess.log()`` reads the log later.
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
    return launch([sys.executable, "-m", "spasibo", "serve", "--fake-whatsapp"], port, full_env)


def stop_serve(served: ServeProcess) -> None:
    """Terminate the subprocess if it still runs (kill after ``STOP_TIMEOUT_S``) and reap it."""
    if served.process.poll() is None:
        served.process.terminate()
        try:
            served.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()
