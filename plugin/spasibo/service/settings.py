"""Every setting of the reaction service, read from ``SPASIBO_*`` environment variables."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from spasibo.service.keys import is_bare_key_entry, parse_key_entry
from spasibo.service.shared_redis import DEFAULT_REDIS_TIMEOUT_S
from spasibo.whatsapp.settings import PoolSettings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
REGISTRY_FILE_NAME = "sessions.json"


def _default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class ServiceSettings(BaseSettings):
    """Configuration of ``spasibo serve``; the defaults run one instance on loopback with in-memory state.

    List values (``SPASIBO_API_KEYS``, ``SPASIBO_COMPANIES``) are comma-separated in the environment.
    ``whatsapp_client = "fake"`` puts the offline fake client behind the pool, with every session connected at
    once: it exists for tests and demos and must never be used for real traffic.
    """

    # errors never echo input: keys and Redis passwords are among it
    model_config = SettingsConfigDict(
        env_prefix="SPASIBO_", env_file=None, extra="ignore", frozen=True, hide_input_in_errors=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    env: Literal["production", "development"] = "production"
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    default_company: str = "default"
    # companies whose sessions this instance starts (from their stored login) and, with Redis, takes over
    companies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    redis_url: str | None = None
    redis_key_prefix: str = "spasibo"
    redis_timeout_s: float = Field(
        default=DEFAULT_REDIS_TIMEOUT_S, gt=0
    )  # every Redis call gives up after it
    rate_limit_per_phone_per_minute: int = Field(default=10, ge=1)
    idempotency_window_s: float = Field(default=600.0, gt=0)
    idempotency_wait_s: float = Field(
        default=25.0, gt=0
    )  # a duplicate waits this long for the first to finish
    max_body_bytes: int = Field(default=16_384, ge=64)
    # a request's headers, and then its body, must arrive within this (else closed, or 408)
    request_read_timeout_s: float = Field(default=10.0, gt=0)
    shutdown_deadline_s: float = Field(default=10.0, ge=0)
    # several instances (Redis only): who owns which company
    instance_id: str = Field(default_factory=_default_instance_id)
    public_url: str | None = None  # how other instances' clients reach this one (named in 421 answers)
    lease_ttl_s: float = Field(default=15.0, gt=0)
    lease_renew_interval_s: float = Field(default=5.0, gt=0)
    # inbound events: signed webhooks, through the in-memory queue or (with redis_url) a Redis Stream
    webhook_url: str | None = Field(default=None, pattern=r"^https?://")  # every company's events
    webhook_urls: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)  # "acme=https://…,…"
    webhook_secret: str | None = None  # signs (X-Spasibo-Signature) for every company without its own
    webhook_secrets: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)  # "acme=s3cret,…"
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_base_s: float = Field(default=0.5, ge=0)
    webhook_backoff_max_s: float = Field(default=60.0, ge=0)
    webhook_concurrency: int = Field(default=16, ge=1)
    events_queue_size: int = Field(default=10_000, ge=1)  # in memory: more waiting events are dropped
    events_stream_max_len: int = Field(default=100_000, ge=1)  # Redis: the stream is trimmed to about this
    events_claim_idle_s: float = Field(default=120.0, gt=0)  # Redis: another consumer's entry is taken after
    dead_letters_max: int = Field(default=1000, ge=1)
    # server-side rules (spasibo serve --rules): detect → rules → reaction on every inbound message
    rules_path: Path | None = None
    # the WhatsApp side
    whatsapp_client: Literal["neonize", "fake"] = "neonize"
    whatsapp_auth_database: str = "whatsapp-auth"
    # companies added through the API, without Redis (with it they are kept in Redis); default: sessions.json
    # in the auth database's directory (in the working directory when the logins are in PostgreSQL)
    session_registry_path: str | None = None
    fake_send_delay_s: float = Field(default=0.0, ge=0)  # fake client only: keeps sends in flight

    @model_validator(mode="after")
    def _renew_before_expiry(self) -> ServiceSettings:
        if self.lease_renew_interval_s >= self.lease_ttl_s:
            raise ValueError(
                f"lease_renew_interval_s ({self.lease_renew_interval_s}) must be shorter than lease_ttl_s "
                f"({self.lease_ttl_s}), or leases expire between renewals"
            )
        return self

    @model_validator(mode="after")
    def _webhooks_are_signed_and_claims_outlast_retries(self) -> ServiceSettings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("webhook_secret: required when webhook_url is set")
        for company, secret in self.webhook_secrets.items():
            if not secret:
                raise ValueError(f"webhook_secrets: the secret of company {company!r} is empty")
            if company not in self.webhook_urls and not self.webhook_url:
                raise ValueError(
                    f"webhook_secrets: company {company!r} has a secret but no webhook URL (webhook_urls or "
                    "webhook_url)"
                )
        for company, url in self.webhook_urls.items():
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"webhook_urls: {company}={url!r} is not an http(s) URL")
            if not (self.webhook_secrets.get(company) or self.webhook_secret):
                raise ValueError(
                    f"webhook_secrets: company {company!r} has a webhook URL but no secret; set "
                    f"webhook_secrets ({company}=…) or webhook_secret"
                )
        if self.events_claim_idle_s <= self.webhook_backoff_max_s + self.webhook_timeout_s:
            raise ValueError(
                f"events_claim_idle_s ({self.events_claim_idle_s:g}) must exceed webhook_backoff_max_s + "
                "webhook_timeout_s, or another instance takes over events still being retried"
            )
        return self

    @field_validator("webhook_urls", "webhook_secrets", mode="before")
    @classmethod
    def _company_equals_value(cls, value: object) -> object:
        if isinstance(value, str):
            pairs = [item.strip().partition("=") for item in value.split(",") if item.strip()]
            return {company.strip(): text.strip() for company, _, text in pairs}
        return value

    @field_validator("api_keys", "companies", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("api_keys", mode="after")
    @classmethod
    def _keys_name_their_companies(cls, value: list[str]) -> list[str]:
        for entry in value:
            parse_key_entry(entry)  # raises naming the entry (its key hidden)
        if len(value) > 1 and any(is_bare_key_entry(entry) for entry in value):
            # several keys mean several callers: an unbound one would let a tenant act as any company
            raise ValueError(
                "with several keys each must name what it may act for: 'key:acme' (or "
                "'key:acme+globex') for a tenant, 'key:*' for an admin; a bare key is accepted "
                "only as the single key"
            )
        return value

    @property
    def production(self) -> bool:
        """True unless ``SPASIBO_ENV=development`` (which puts error details in 500 answers)."""
        return self.env == "production"

    @property
    def on_loopback(self) -> bool:
        """True when the service listens on a loopback address only."""
        return self.host in LOOPBACK_HOSTS or self.host.startswith("127.")

    def registry_file(self) -> Path:
        """Where the session registry is kept without Redis (see ``session_registry_path``)."""
        if self.session_registry_path:
            return Path(self.session_registry_path)
        if self.pool_settings().uses_postgres:
            return Path(REGISTRY_FILE_NAME)
        return Path(self.whatsapp_auth_database) / REGISTRY_FILE_NAME

    def pool_settings(self) -> PoolSettings:
        """The session pool's settings; its shutdown deadline is the service's."""
        return PoolSettings(
            auth_database=self.whatsapp_auth_database, shutdown_deadline_s=self.shutdown_deadline_s
        )
