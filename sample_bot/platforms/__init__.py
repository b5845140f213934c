"""One module per chat platform, each with ``async def run(app, bot) -> int``, imported only when chosen."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar, cast

from pydantic import BaseModel, ValidationError

from spasibo.errors import ConfigError

if TYPE_CHECKING:
    from sample_bot.config import BotSettings
    from spasibo.app import Spasibo

Options = TypeVar("Options", bound=BaseModel)

PlatformRunner = Callable[["Spasibo", "BotSettings"], Awaitable[int]]

# platform -> what it needs, said when its module is not there yet or its extra is not installed
PLATFORMS: dict[str, str] = {
    "console": "nothing beyond the core install",
    "whatsapp": "the WhatsApp session pool (pip install 'spasibo[whatsapp]')",
    "telegram": "the Telegram integration (pip install 'spasibo[telegram]')",
    "http": "the service client and a webhook receiver (pip install 'spasibo[http,service]')",
}


class PlatformUnavailable(Exception):
    """The chosen platform cannot run here; the message is one line for the user."""


def load_platform(name: str) -> PlatformRunner:
    """The ``run`` function of ``sample_bot/platforms/<name>.py``; ``PlatformUnavailable`` says why not."""
    if name not in PLATFORMS:
        raise PlatformUnavailable(f"unknown platform {name!r}; choose one of: {', '.join(PLATFORMS)}")
    try:
        module = importlib.import_module(f"sample_bot.platforms.{name}")
    except ModuleNotFoundError as error:
        if error.name == f"sample_bot.platforms.{name}":
            raise PlatformUnavailable(
                f"the {name} platform is not available in this version of the sample bot yet "
                f"(it needs {PLATFORMS[name]}); use --platform console"
            ) from None
        raise PlatformUnavailable(f"the {name} platform needs {PLATFORMS[name]}: {error}") from None
    return cast(PlatformRunner, module.run)


def platform_options(model: type[Options], table: dict[str, object], name: str) -> Options:
    """Validate the ``[bot.<name>]`` table with ``model``; a bad key is a one-line ``ConfigError``."""
    try:
        return model.model_validate(table)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"[bot.{name}] {key}: {first['msg']}") from None
