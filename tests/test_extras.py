"""A feature whose extra is missing says which extra to install, in one line, instead of a bare import error.

These hide one package in process; the real installs of each extra alone are checked in fresh venvs.
"""

from __future__ import annotations

import sys

import pytest

import spasibo
from spasibo.cli import main
from spasibo.extras import MissingExtraError


@pytest.fixture
def hide(monkeypatch):
    """Make ``import <package>`` fail as if it were not installed, and forget modules that imported it."""

    def hide_package(package: str, *importers: str) -> None:
        for name in list(sys.modules):
            if name.startswith(f"{package}."):
                monkeypatch.setitem(sys.modules, name, None)
            elif importers and name.startswith(importers):
                monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, package, None)
        for attr in ("HttpReactionSender", "SessionPool", "WhatsAppTransport"):
            monkeypatch.delitem(vars(spasibo), attr, raising=False)

    return hide_package


def test_http_sender_without_httpx_names_the_http_extra(hide):
    hide("httpx", "spasibo.http_sender")
    with pytest.raises(MissingExtraError, match=r"pip install 'spasibo\[http\]'"):
        from spasibo import HttpReactionSender  # noqa: F401


def test_session_pool_without_neonize_names_the_whatsapp_extra(hide):
    hide("neonize", "spasibo.whatsapp")
    with pytest.raises(MissingExtraError, match=r"pip install 'spasibo\[whatsapp\]'"):
        from spasibo import SessionPool  # noqa: F401


def test_normalize_phone_without_phonenumbers_names_the_whatsapp_extra(hide):
    hide("phonenumbers")
    with pytest.raises(MissingExtraError, match=r"normalize_phone needs the whatsapp extra"):
        spasibo.normalize_phone("89001234567")


def test_telegram_without_aiogram_names_the_telegram_extra(hide):
    hide("aiogram", "spasibo.telegram")
    with pytest.raises(MissingExtraError, match=r"pip install 'spasibo\[telegram\]'"):
        import spasibo.telegram  # noqa: F401


def test_serve_without_fastapi_says_one_line_and_exits_2(hide, capsys):
    hide("fastapi", "spasibo.service")
    assert main(["serve", "--fake-whatsapp"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "spasibo serve: the reaction service (spasibo serve) needs the service extra (fastapi is not "
        "installed): pip install 'spasibo[service]'\n"
    )


def test_a_missing_module_that_no_extra_brings_is_not_relabelled(hide):
    hide("spasibo.models", "spasibo.http_sender")
    with pytest.raises(ModuleNotFoundError) as caught:
        from spasibo import HttpReactionSender  # noqa: F401
    assert not isinstance(caught.value, MissingExtraError)
