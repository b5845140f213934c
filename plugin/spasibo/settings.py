"""The declarative wiring a host bot writes in ``spasibo.toml``: languages, rules and transport settings.

    languages = ["ru", "en"]
    phrases = ["my_phrases.toml"]

    [[rules]]
    intent = "gratitude"
    react = "❤️"
    min_score = 80
    cooldown_s = 60
    reply = false

Every key has a default that works, so an empty file (or ``SpasiboSettings()``) reacts ❤️ to gratitude on the
console. Any mistake becomes a ``ConfigError`` naming the key as a dotted path (``rules[0].react``), the file
and the expected form.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from spasibo.emoji import is_single_emoji
from spasibo.errors import ConfigError

DEFAULT_MAX_AGE_S = 300.0  # older messages are a backlog replayed after a reconnect: reacting now looks odd
DEFAULT_REACTION_TIMEOUT_S = 10.0  # a transport that hangs longer is reported as a transport error
DEFAULT_SLOW_HOOK_MS = 100.0  # far above the detector's cost (tens of µs), far below what a customer notices
DEFAULT_DEDUPE_TTL_S = 24 * 3600.0  # platforms redeliver within hours, not days
DEFAULT_DEDUPE_MAX_MESSAGES = 100_000  # bounds the memory of the duplicate check (~a few MB)


def _one_emoji(text: str) -> str:
    # Stricter than what a transport accepts: "" (remove a reaction) makes no sense as a rule's reaction.
    if not is_single_emoji(text):
        raise ValueError('expected exactly one emoji such as "❤️" or "👍"')
    return text


ReactionEmoji = Annotated[str, AfterValidator(_one_emoji)]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=64)]


class RuleSettings(BaseModel):
    """One rule: when a message has ``intent``, react with ``react`` unless a condition says no."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent: Name = "gratitude"
    react: ReactionEmoji = "❤️"
    min_score: float = Field(default=0.0, ge=0.0, le=100.0)
    skip_groups: bool = False
    skip_own_messages: bool = True
    max_age_s: float = Field(default=DEFAULT_MAX_AGE_S, gt=0.0)
    cooldown_s: float = Field(default=0.0, ge=0.0)
    reply: bool = True
    transport: Name | None = None
    # where a message goes when no transport reaches its platform; unset, it is skipped (no_transport)
    fallback_transport: Name | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        """How outcomes and logs refer to this rule: its ``name``, else ``intent→emoji``."""
        return self.name or f"{self.intent}→{self.react}"


class DedupeSettings(BaseModel):
    """How long and how many message ids ``feed()`` remembers to react to each message once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttl_s: float = Field(default=DEFAULT_DEDUPE_TTL_S, gt=0.0)
    max_messages: int = Field(default=DEFAULT_DEDUPE_MAX_MESSAGES, ge=1)


class SpasiboSettings(BaseModel):
    """Everything ``Spasibo`` needs; load it with ``load_settings(path)`` or build it in code.

    ``languages`` limits the phrase packs used (empty: all registered packs). ``transports`` holds one table
    per transport name, handed to that transport's factory (``[transports.console] stream = "stderr"``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(default_factory=list)
    # the bot's own phrase files (PhrasePack TOML), used with the plugins' packs; relative to spasibo.toml
    phrases: list[Path] = Field(default_factory=list)
    rules: list[RuleSettings] = Field(default_factory=lambda: [RuleSettings()])
    transports: dict[Name, dict[str, Any]] = Field(default_factory=dict)
    reaction_timeout_s: float = Field(default=DEFAULT_REACTION_TIMEOUT_S, gt=0.0)
    # a plugin's hook taking longer than this is logged with the plugin's name (it delays every message)
    slow_hook_ms: float = Field(default=DEFAULT_SLOW_HOOK_MS, gt=0.0)
    dedupe: DedupeSettings = Field(default_factory=DedupeSettings)
    # The host bot's own table, so one file wires both; spasibo keeps it for the host to validate.
    bot: dict[str, Any] = Field(default_factory=dict)


def dotted_key(location: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location such as ``("rules", 0, "react")`` into ``rules[0].react``."""
    key = ""
    for part in location:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def _describe(error: Mapping[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (check its spelling against docs/architecture.md or README.md)"
    return f"{error['msg']}, got {error['input']!r}"


def config_error(error: ValidationError, source: str, *, under: tuple[str, ...] = ()) -> ConfigError:
    """One ``ConfigError`` listing each invalid key of ``error`` and its expected form, after ``source``."""
    lines = [f"{source}: {dotted_key((*under, *item['loc']))}: {_describe(item)}" for item in error.errors()]
    return ConfigError("\n".join(lines))


def settings_from_mapping(data: Mapping[str, Any], *, source: str = "settings") -> SpasiboSettings:
    """Validate parsed TOML (or any mapping) into ``SpasiboSettings``; errors name ``source`` and the key."""
    try:
        return SpasiboSettings.model_validate(dict(data))
    except ValidationError as error:
        raise config_error(error, source) from None


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; a missing file or a syntax error becomes a ``ConfigError`` with file and line."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def load_settings(path: str | Path) -> SpasiboSettings:
    """Read ``spasibo.toml`` into ``SpasiboSettings``; ``phrases`` paths become relative to the file."""
    settings = settings_from_mapping(read_toml(path), source=str(path))
    base = Path(path).parent
    return settings.model_copy(update={"phrases": [base / file for file in settings.phrases]})
