"""The sample bot's configuration: spasibo's settings, and the bot's own ``[bot]`` table in the same file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spasibo.settings import SpasiboSettings, config_error, load_settings

DEFAULT_CONFIG_PATH = Path(__file__).with_name("spasibo.toml")
DEFAULT_ANSWER = "Спасибо за сообщение! Менеджер ответит вам в течение часа."


class BotSettings(BaseModel):
    """``[bot]``: which platform to run on, the canned text answer, and one options table per platform."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: str = "console"
    answer: str = Field(default=DEFAULT_ANSWER, min_length=1)
    console: dict[str, Any] = Field(default_factory=dict)
    whatsapp: dict[str, Any] = Field(default_factory=dict)
    telegram: dict[str, Any] = Field(default_factory=dict)
    http: dict[str, Any] = Field(default_factory=dict)


def load_config(path: Path) -> tuple[BotSettings, SpasiboSettings]:
    """Read ``path``: spasibo's settings, and the ``[bot]`` table in them for the bot (ConfigError if bad)."""
    settings = load_settings(path)
    try:
        bot = BotSettings.model_validate(settings.bot)
    except ValidationError as error:
        raise config_error(error, str(path), under=("bot",)) from None
    return bot, settings
