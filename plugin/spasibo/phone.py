"""Phone numbers as WhatsApp wants them: E.164 digits without the ``+`` (``79001234567``).

One function normalises every number the project sees (pairing by phone code, direct-chat fallbacks, the
reaction service), so ``89001234567``, ``+7 900 123-45-67`` and ``9001234567`` all become the same key.
Numbers are masked before they reach a log line. ``phonenumbers`` comes with the ``whatsapp`` extra (the pool
and the service are its only users), so it is imported when a number is normalised, not with this module.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

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


# Reading a new number costs 16-50 us (more than the rest of a request's own checks), and one request
# normalises its customer's number up to three times (as given, then the digits as the chat, then again to
# send): recent answers are kept, each also under its own digits, which normalise to themselves.
_recent: dict[tuple[str, str], str | None] = {}


def _remember(text: str, region: str, digits: str | None) -> None:
    if len(_recent) >= NORMALIZED_CACHE_SIZE:
        _recent.clear()  # bounded; refilled by the next requests
    _recent[(text, region)] = digits
    if digits is not None:
        _recent[(digits, region)] = digits


def _e164_digits(phonenumbers: Any, text: str, default_region: str) -> str | None:
    readings: list[tuple[str, str | None]]
    if text.startswith("+"):
        readings = [(text, default_region)]
    else:  # in the region, else as an international number whose "+" was left out
        readings = [(text, default_region), ("+" + text, None)]
    for reading, region in readings:
        read = plus_digits_e164(phonenumbers, reading)
        if not isinstance(read, _Undecided):
            if read is not None:
                return read
            continue
        number = _parse_valid(reading, region)
        if number is not None:
            return _formatted(phonenumbers, number)
    return None


def _formatted(phonenumbers: Any, number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)).lstrip("+")


class _Undecided:
    """``plus_digits_e164`` leaves the number to ``phonenumbers.parse``."""


UNDECIDED: Final = _Undecided()
# "+" and ASCII digits, as a bot that keeps E.164 numbers sends them; anything else goes to phonenumbers.parse
_PLUS_DIGITS_RE = re.compile(r"\+[0-9]{3,20}")
_NATIONAL_LENGTHS = range(2, 18)  # phonenumbers' _MIN_LENGTH_FOR_NSN .. _MAX_LENGTH_FOR_NSN
# a calling code without metadata: a "prefix" that matches every number, so parse reads them all
_EVERY_NUMBER = re.compile("")
# country calling code -> the compiled national prefix its numbers are parsed with (None: it has none)
_national_prefixes: dict[int, re.Pattern[str] | None] = {}


def plus_digits_e164(phonenumbers: Any, text: str) -> str | _Undecided | None:
    """The answer ``phonenumbers`` gives for ``text`` when it is ``+`` and 3–20 ASCII digits: its E.164
    digits, None when it is not a valid number, or ``UNDECIDED`` for the cases left to ``phonenumbers.parse``.

    For such a text ``parse`` takes the country calling code as the shortest prefix of one to three digits
    that is a calling code, and keeps the rest as the national number unless the country's national prefix
    (``national_prefix_for_parsing``) matches at its start or it starts with ``0`` (an Italian leading zero):
    those, no calling code and lengths ``parse`` refuses are left to it. Otherwise the number ``parse`` builds
    is ``PhoneNumber(code, int(rest))``, whose E.164 form is ``text`` itself, and ``is_valid_number`` decides.
    Parsing was two thirds of reading a new customer's number; ``tests/whatsapp/test_phone_fast_path.py``
    holds this to ``phonenumbers``' own answers for every calling code.
    """
    if _PLUS_DIGITS_RE.fullmatch(text) is None or text[1] == "0":
        return UNDECIDED
    digits = text[1:]
    for length in (1, 2, 3):
        code = int(digits[:length])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return UNDECIDED
    national = digits[length:]
    if len(national) not in _NATIONAL_LENGTHS or national[0] == "0":
        return UNDECIDED
    if code not in _national_prefixes:
        _national_prefixes[code] = _national_prefix(phonenumbers, code)
    prefix = _national_prefixes[code]
    if prefix is not None and prefix.match(national):
        return UNDECIDED
    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    return digits if phonenumbers.is_valid_number(number) else None


def _national_prefix(phonenumbers: Any, code: int) -> re.Pattern[str] | None:
    """The national prefix ``parse`` strips from numbers of calling code ``code`` (the metadata of its main
    region, as ``parse`` looks it up), None when it has none, ``_EVERY_NUMBER`` without metadata.
    """
    region = phonenumbers.region_code_for_country_code(code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    if metadata is None:
        return _EVERY_NUMBER
    pattern = metadata.national_prefix_for_parsing
    return re.compile(pattern) if pattern else None


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
