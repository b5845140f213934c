"""Each extra, installed alone from the built wheel into a fresh venv, does what the README promises for it.

The wheel is built once; each venv is created without pip and filled by this environment's pip
(``pip --python``), from the same local wheel sources the project's own install uses, with dependencies
resolved as a user's ``pip install 'spasibo[extra]'`` would. Slow (a minute or two), and run in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from docblocks import blocks, printed_output
from spasibo import __version__
from spasibo.testing.service import free_port, start_serve, stop_serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
INSTALL_TIMEOUT_S = 600


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # the default wheel, as a plain `pip install spasibo` builds it: no build hook switched on from outside
    env = {key: value for key, value in os.environ.items() if not key.startswith("HATCH_BUILD_")}
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        timeout=INSTALL_TIMEOUT_S,
        env=env,
    )
    [built] = out.glob("spasibo-*.whl")
    return built


class FreshVenv:
    """A venv holding only spasibo with one extra (and what that extra depends on)."""

    def __init__(self, root: Path, wheel: Path, extra: str) -> None:
        venv.EnvBuilder(with_pip=False).create(root)
        self.bin = root / "bin"
        requirement = f"{wheel}[{extra}]" if extra else str(wheel)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(self.bin / "python"),
                "install",
                "--quiet",
                requirement,
            ],
            check=True,
            timeout=INSTALL_TIMEOUT_S,
        )

    def python(self, code: str, **env: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.bin / "python"), "-c", textwrap.dedent(code), **env)

    def spasibo(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.bin / "spasibo"), *args, **env)

    @staticmethod
    def run(*command: str, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {
            key: value for key, value in os.environ.items() if not key.startswith(("SPASIBO_", "PYTHON"))
        }
        return subprocess.run(
            command, capture_output=True, text=True, env={**clean, **env}, timeout=120, cwd="/", check=False
        )

    def has(self, module: str) -> bool:
        return self.python(f"import {module}").returncode == 0


@pytest.fixture(scope="module")
def venvs(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> dict[str, FreshVenv]:
    return {
        extra: FreshVenv(tmp_path_factory.mktemp(f"venv-{extra or 'core'}"), wheel, extra)
        for extra in ("", "http", "whatsapp", "telegram", "service")
    }


def test_wheel_carries_the_license_and_the_phrase_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert "spasibo/phrases/gratitude/ru.toml" in names


def test_default_wheel_is_pure_python(wheel: Path) -> None:
    """The compiled wheel is opt-in (pyproject.toml's mypyc build hook): the default holds no extension."""
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert [name for name in names if name.endswith((".so", ".pyd"))] == []
    assert "spasibo/detection/detector.py" in names


def test_core_install_detects_and_needs_no_extra(venvs: dict[str, FreshVenv]) -> None:
    core = venvs[""]
    assert core.spasibo("--version").stdout == f"spasibo {__version__}\n"
    verdict = json.loads(core.spasibo("detect", "Спасибо большое!").stdout)
    assert (verdict["gratitude"], verdict["closing"]) == (True, True)
    assert not any(core.has(module) for module in ("phonenumbers", "httpx", "neonize", "fastapi", "aiogram"))


def test_core_install_says_which_extra_each_integration_needs(venvs: dict[str, FreshVenv]) -> None:
    core = venvs[""]
    for name, extra in (("HttpReactionSender", "http"), ("SessionPool", "whatsapp")):
        result = core.python(f"from spasibo import {name}")
        assert f"pip install 'spasibo[{extra}]'" in result.stderr.splitlines()[-1]
    serve = core.spasibo("serve", "--fake-whatsapp")
    assert serve.returncode == 2
    assert serve.stderr.endswith("pip install 'spasibo[service]'\n")
    assert serve.stderr.count("\n") == 1


def test_http_extra_alone_sends_through_a_running_service(venvs: dict[str, FreshVenv]) -> None:
    http = venvs["http"]
    assert not http.has("fastapi")
    assert not http.has("neonize")
    served = start_serve("extras-key")
    try:
        result = http.python(
            f"""
            import asyncio
            from spasibo import HttpReactionSender, IncomingMessage, ReactionRequest

            async def main():
                options = {{"base_url": "{served.url}", "api_key": "extras-key"}}
                sender = HttpReactionSender.from_options(options)
                chat = "79001234567@s.whatsapp.net"
                message = IncomingMessage(company_id="default", chat=chat, message_id="X1")
                result = await sender.send(ReactionRequest(message=message, emoji="❤️", transport="http"))
                await sender.aclose()
                print(result.ok)

            asyncio.run(main())
            """
        )
    finally:
        stop_serve(served)
    assert result.stdout == "True\n", result.stderr


def test_whatsapp_extra_alone_runs_the_readmes_pool_example(venvs: dict[str, FreshVenv]) -> None:
    [(line, code)] = [(line, code) for line, code in blocks("python") if "SessionPool" in code]
    result = venvs["whatsapp"].python(code)
    assert result.stdout == printed_output(line), result.stderr
    assert (
        venvs["whatsapp"]
        .python('from spasibo import normalize_phone; print(normalize_phone("89001234567"))')
        .stdout
        == "79001234567\n"
    )


def test_telegram_extra_alone_wires_a_dispatcher(venvs: dict[str, FreshVenv]) -> None:
    result = venvs["telegram"].python(
        """
        from aiogram import Dispatcher
        from spasibo import Spasibo
        from spasibo.telegram import setup
        print(type(setup(Dispatcher(), Spasibo())).__name__)
        """
    )
    assert result.stdout == "SpasiboMiddleware\n", result.stderr


def test_service_extra_alone_serves_with_the_fake_whatsapp_client(
    venvs: dict[str, FreshVenv], tmp_path
) -> None:
    port = free_port()
    env = {
        "SPASIBO_PORT": str(port),
        "SPASIBO_API_KEYS": "extras-key",
        "SPASIBO_COMPANIES": "default",
        "SPASIBO_SESSION_REGISTRY_PATH": str(tmp_path / "sessions.json"),
    }
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("SPASIBO_", "PYTHON"))}
    server = subprocess.Popen(
        [str(venvs["service"].bin / "spasibo"), "serve", "--fake-whatsapp"],
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        answer = None
        for _ in range(300):
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/reaction",
                    json={"phone": "79001234567", "emoji": "❤️", "messageId": "X2"},
                    headers={"X-API-Key": "extras-key"},
                    timeout=2.0,
                )
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[1].decode(errors="replace")
    assert answer is not None, log
    assert answer.status_code == 200, answer.text
