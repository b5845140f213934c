"""``python -m sample_bot [--config PATH] [--platform NAME]``: run the sample bot."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sample_bot.config import DEFAULT_CONFIG_PATH, BotSettings, load_config
from sample_bot.platforms import PLATFORMS, PlatformRunner, PlatformUnavailable, load_platform
from spasibo.app import Spasibo
from spasibo.errors import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sample_bot", description="A host bot that reacts ❤️ to customer gratitude."
    )
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG_PATH, help="the TOML file (default: %(default)s)"
    )
    parser.add_argument(
        "--platform", choices=sorted(PLATFORMS), help="overrides [bot] platform of the config"
    )
    parser.add_argument(
        "--phone",
        help="whatsapp: pair by a code for this phone number instead of a QR",
    )
    return parser


def with_phone(bot: BotSettings, phone: str | None) -> BotSettings:
    """``bot`` with ``--phone`` put into the table of the platform that takes a phone (WhatsApp pairing)."""
    if phone is None:
        return bot
    return bot.model_copy(update={"whatsapp": {**bot.whatsapp, "phone": phone}})


async def _serve(app: Spasibo, run: PlatformRunner, bot: BotSettings) -> int:
    async with app:
        return await run(app, bot)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bot; returns the exit code (2 for configuration problems, with a one-line explanation)."""
    args = build_parser().parse_args(argv)
    try:
        bot, settings = load_config(args.config)
        bot = with_phone(bot, args.phone)
        platform = args.platform or bot.platform
        run = load_platform(platform)
        app = Spasibo(settings)
    except (ConfigError, PlatformUnavailable) as error:
        print(f"sample_bot: {error}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(app, run, bot))
    except ConfigError as error:  # found once the plugins are asked (e.g. a language no pack covers)
        print(f"sample_bot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to show
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return 0


if __name__ == "__main__":
    sys.exit(main())
