"""Every number the WhatsApp session pool runs on, in one pydantic model with the unit in each name."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from spasibo.phone import DEFAULT_REGION

POSTGRES_SCHEMES = ("postgres://", "postgresql://")


class PoolSettings(BaseModel):
    """Configuration of a ``SessionPool``; the defaults work for a single bot process.

    ``auth_database`` is where neonize keeps each company's login: a directory for one sqlite file per pool
    (``<dir>/whatsapp-auth.db``) or a ``postgres://`` URL, which neonize passes to its PostgreSQL store. Give
    that store a database of its own: whatsmeow's schema upgrade looks for its tables in every schema of it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # pairing: counted from the first QR (a device with a stored login never gets one)
    pairing_timeout_s: float = Field(default=60.0, gt=0)
    pair_code_show_push_notification: bool = True
    # reconnects after a drop: fast attempts with exponential backoff, then the slow schedule for ever
    reconnect_max_attempts: int = Field(default=5, ge=0)
    reconnect_base_delay_s: float = Field(default=5.0, ge=0)
    reconnect_max_delay_s: float = Field(default=300.0, ge=0)
    reconnect_jitter_ratio: float = Field(default=0.2, ge=0, le=1)
    offline_retry_interval_s: float = Field(default=300.0, gt=0)
    # every neonize connect() leaks one database handle (docs/architecture.md), so: a connection that drops
    # before lasting this long does not restart the series of attempts (a flapping one backs off to the slow
    # schedule), and before each reconnect a TCP probe of reach_host:reach_port must succeed (None: no
    # probe), so a session spends no connect while the network is down
    stable_connection_s: float = Field(default=60.0, ge=0)
    reach_host: str | None = "web.whatsapp.com"
    reach_port: int = Field(default=443, ge=1, le=65535)
    reach_timeout_s: float = Field(default=10.0, gt=0)
    # circuit breaker per company
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_cooldown_s: float = Field(default=300.0, ge=0)
    # health check
    health_interval_s: float = Field(default=60.0, gt=0)
    # sending and stopping
    send_timeout_s: float = Field(default=20.0, gt=0)
    lifecycle_call_timeout_s: float = Field(default=30.0, gt=0)
    shutdown_deadline_s: float = Field(default=10.0, ge=0)
    # memory of recent incoming messages, used to address reactions
    recent_messages_per_company: int = Field(default=1000, ge=1)
    recent_message_ttl_s: float = Field(default=86_400.0, gt=0)
    # input limits
    company_id_max_length: int = Field(default=64, ge=1, le=255)
    message_id_max_length: int = Field(default=128, ge=1)
    default_region: str = DEFAULT_REGION
    # capacity: each live neonize client blocks one thread of the loop's default executor for its whole life
    max_sessions: int = Field(default=1000, ge=1)
    executor_spare_threads: int = Field(default=16, ge=1)
    size_default_executor: bool = True
    # auth store
    auth_database: str = str(Path("whatsapp-auth"))

    @field_validator("default_region")
    @classmethod
    def _region_is_upper_iso(cls, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise ValueError(
                f"default_region: expected a two-letter ISO country code such as 'RU', got {value!r}"
            )
        return value.upper()

    @property
    def executor_max_workers(self) -> int:
        """Threads the loop's default executor needs: one per possible live client plus spares for calls."""
        return self.max_sessions + self.executor_spare_threads

    @property
    def uses_postgres(self) -> bool:
        """True when the auth state lives in PostgreSQL rather than a local sqlite file."""
        return self.auth_database.startswith(POSTGRES_SCHEMES)

    def neonize_database_name(self) -> str:
        """The name neonize is given as its database: the URL itself, or the sqlite file inside the
        directory.
        """
        if self.uses_postgres:
            return self.auth_database
        return str(Path(self.auth_database) / "whatsapp-auth.db")
