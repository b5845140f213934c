"""Service settings from SPASIBO_* variables, and the refusal to listen in the open without a key."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from spasibo.cli import main
from spasibo.errors import ConfigError
from spasibo.service.server import check_exposure
from spasibo.service.settings import ServiceSettings


def test_lists_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASIBO_API_KEYS", "one:acme, two:* ,")
    monkeypatch.setenv("SPASIBO_COMPANIES", "acme,globex")
    settings = ServiceSettings()
    assert settings.api_keys == ["one:acme", "two:*"]
    assert settings.companies == ["acme", "globex"]


def test_defaults_are_loopback_production_memory_and_ten_per_minute() -> None:
    settings = ServiceSettings()
    assert (settings.host, settings.env, settings.redis_url) == ("127.0.0.1", "production", None)
    assert settings.rate_limit_per_phone_per_minute == 10
    assert settings.whatsapp_client == "neonize"


def test_a_lease_renewed_less_often_than_it_expires_is_refused() -> None:
    with pytest.raises(ValidationError, match="lease_renew_interval_s"):
        ServiceSettings(lease_ttl_s=5, lease_renew_interval_s=5)


def test_a_public_address_without_an_api_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="SPASIBO_API_KEYS"):
        check_exposure(ServiceSettings(host="0.0.0.0"))


def test_a_public_address_with_an_api_key_is_allowed() -> None:
    check_exposure(ServiceSettings(host="0.0.0.0", api_keys=["k"]))


def test_serve_exits_2_naming_the_variable_when_a_setting_is_invalid(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPASIBO_RATE_LIMIT_PER_PHONE_PER_MINUTE", "many")
    assert main(["serve"]) == 2
    assert "SPASIBO_RATE_LIMIT_PER_PHONE_PER_MINUTE" in capsys.readouterr().err


def test_serve_exits_2_on_a_public_address_without_a_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "not a loopback address" in capsys.readouterr().err
