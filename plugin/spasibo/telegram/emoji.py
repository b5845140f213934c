"""Which emoji Telegram accepts as a reaction, and the spelling it wants.

Telegram takes reactions only from a fixed list (``reactions.txt``, read once on first use) and spells them
without the emoji presentation selector U+FE0F: a rule's ``react = "❤️"`` must go out as ``"❤"``, or the Bot
API answers ``REACTION_INVALID``. Whether a string is one emoji at all is ``spasibo.emoji``'s job; this module
only maps a valid emoji to Telegram's form and refuses those Telegram does not offer.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from spasibo.errors import ConfigError
from spasibo.settings import SpasiboSettings

TRANSPORT_NAME = "telegram"
_VS16 = "\ufe0f"
_REACTIONS_FILE = "reactions.txt"


@cache
def allowed_reactions() -> tuple[str, ...]:
    """The emoji Telegram allows as reactions, in Telegram's spelling, in the order of ``reactions.txt``."""
    text = resources.files(__package__).joinpath(_REACTIONS_FILE).read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def normalize_reaction(emoji: str) -> str:
    """Telegram's spelling of ``emoji``: the same emoji without U+FE0F (``"❤️"`` → ``"❤"``).

    Telegram's list has no U+FE0F anywhere, so stripping it is exact for every allowed emoji, including ZWJ
    sequences (``"❤️‍🔥"`` → ``"❤‍🔥"``, ``"🤷‍♂️"`` → ``"🤷‍♂"``).
    """
    return emoji.replace(_VS16, "")


def telegram_reaction(emoji: str, *, key: str = "emoji") -> str:
    """Return ``emoji`` in Telegram's spelling; raise ``ConfigError`` naming ``key`` when Telegram refuses it.

    >>> telegram_reaction("❤️")
    '❤'
    """
    normalized = normalize_reaction(emoji)
    if normalized not in allowed_reactions():
        raise ConfigError(
            f"{key}: Telegram does not allow {emoji!r} as a reaction; use one of "
            f"{' '.join(allowed_reactions())} (see spasibo/telegram/reactions.txt)"
        )
    return normalized


def validate_telegram_rules(settings: SpasiboSettings) -> None:
    """Raise ``ConfigError`` naming ``rules[i].react`` for the first rule that may reach Telegram with an
    emoji Telegram refuses.

    A rule reaches Telegram when it names the ``telegram`` transport or names none (then a Telegram message
    goes to the transport named like its platform). ``setup()`` calls this, so a bad rule stops the bot at
    start instead of failing on a customer's message.
    """
    for index, rule in enumerate(settings.rules):
        if rule.transport in (None, TRANSPORT_NAME):
            telegram_reaction(rule.react, key=f"rules[{index}].react")
