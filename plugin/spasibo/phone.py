"""Phone numbers as WhatsApp wants them: E.164 digits without the ``+`` (``79001234567``).

One function normalises every number the project sees (pairing by phone code, direct-chat fallbacks, the
reaction service), so ``89001234567``, ``+7 900 123-45-67`` and ``9001234567`` all become the same key.
Numbers are masked before they reach a log line. ``phonenumbers`` comes with the ``whatsapp`` extra (the pool
and the service are its only users), so it is imported when a number is normalised, not with this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spasibo.errors import SpasiboError
from spasibo.extras import missing_extra

if TYPE_CHECKING:
    import phonenumbers

DEFAULT_REGION = "RU"
NORMALIZED_CACHE_SIZE = 4096
_MASK_KEEP_HEAD = 4  # country code and operator prefix stay readable in logs
_MASK_KEEP_TAIL = 2


class InvalidPhoneError(SpasiboError, ValueError):
    """A phone number could not be read as a valid international number; the message says what was given."""


_pattern_cache_enabled = False


def _phonenumbers() -> Any:
    """The ``phonenumbers`` module, its regular expressions kept compiled: it looks each metadata pattern up
    through ``re.compile`` several times a number, and its own cache makes a new number's parse about a fifth
    cheaper (the patterns are a bounded set).
    """
    global _pattern_cache_enabled
    import phonenumbers

    if not _pattern_cache_enabled:
        enable = getattr(phonenumbers, "enable_pattern_cache", None)  # not in every release
        if enable is not None:
            enable()
        _pattern_cache_enabled = True
    return phonenumbers


def _parse_valid(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw: str, default_region: str = DEFAULT_REGION) -> str:
    """Return ``raw`` as E.164 digits without the ``+``, e.g. ``"8 (900) 123-45-67"`` → ``"79001234567"``.

    A number without ``+`` is read in ``default_region`` first (so a Russian ``8…`` trunk prefix or a bare
    ten-digit mobile works); if that is not a valid number it is read as an international number whose country
    code was written without ``+`` (``4915123456789`` stays German). Anything that is not a valid number in
    either reading raises ``InvalidPhoneError``.

        >>> normalize_phone("89001234567")
        '79001234567'
    """
    try:
        phonenumbers = _phonenumbers()
    except ModuleNotFoundError as error:
        raise missing_extra(error, "normalize_phone") from None
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidPhoneError(f"phone: expected a phone number such as '+79001234567', got {raw!r}")
    text = raw.strip()
    digits = _recent.get((text, default_region))
    if digits is None:
        digits = _e164_digits(phonenumbers, text, default_region)
        _remember(text, default_region, digits)
    if digits is None:
        raise InvalidPhoneError(
            f"phone: {mask_phone(text)!r} is not a valid phone number "
            f"(read in region {default_region} and as an international number)"
        )
    return digits


# Parsing is most of a reaction request's CPU, and one request normalises its customer's number up to three
# times (as given, then the digits as the chat, then again to send): recent answers are kept, each also under
# its own digits, which normalise to themselves.
_recent: dict[tuple[str, str], str | None] = {}


def _remember(text: str, region: str, digits: str | None) -> None:
    if len(_recent) >= NORMALIZED_CACHE_SIZE:
        _recent.clear()  # bounded; refilled by the next requests
    _recent[(text, region)] = digits
    if digits is not None:
        _recent[(digits, region)] = digits


def _e164_digits(phonenumbers: Any, text: str, default_region: str) -> str | None:
    number = _parse_valid(text, default_region)
    if number is None and not text.startswith("+"):
        number = _parse_valid("+" + text, None)
    if number is None:
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)).lstrip("+")


def mask_phone(phone: str | None) -> str:
    """Hide the middle digits of a phone number for logs and status pages: ``79001234567`` →
    ``7900*****67``.
    """
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= _MASK_KEEP_HEAD + _MASK_KEEP_TAIL:
        return "*" * len(digits)
    hidden = len(digits) - _MASK_KEEP_HEAD - _MASK_KEEP_TAIL
    return digits[:_MASK_KEEP_HEAD] + "*" * hidden + digits[-_MASK_KEEP_TAIL:]
