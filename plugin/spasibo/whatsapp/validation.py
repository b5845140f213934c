"""Checks on what callers hand the pool (company ids, message ids, phones, emoji), raising its errors."""

from __future__ import annotations

import re

from spasibo.emoji import InvalidEmojiError as _EmojiError
from spasibo.emoji import validate_reaction_emoji
from spasibo.phone import InvalidPhoneError as _PhoneError
from spasibo.phone import normalize_phone
from spasibo.whatsapp.errors import (
    InvalidCompanyIdError,
    InvalidEmojiError,
    InvalidMessageIdError,
    InvalidPhoneError,
)

# safe in file names, URLs, log lines and as neonize's client uuid
_COMPANY_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Unicode's control characters (general category Cc): C0, DEL and C1. The set is fixed by Unicode's stability
# policy; one regular expression scans a message id in C instead of a category lookup per character
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")


def validate_company_id(company_id: str, max_length: int) -> str:
    """Return ``company_id`` if it is 1–``max_length`` letters, digits, ``.``, ``_``, ``-``; else raise."""
    if (
        not isinstance(company_id, str)
        or not company_id
        or len(company_id) > max_length
        or not _COMPANY_ID_RE.fullmatch(company_id)
    ):
        raise InvalidCompanyIdError(
            f"company_id: expected 1-{max_length} letters, digits, '.', '_' or '-' starting with a letter or "
            f"digit, got {company_id!r}"
        )
    return company_id


def is_clean_text(text: str) -> bool:
    """Whether ``text`` can be sent as it is: valid UTF-8 (no lone surrogate such as ``"\\ud800"``, which
    only fails when neonize encodes the message) and no control characters.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return _CONTROL_RE.search(text) is None


def validate_message_id(message_id: str, max_length: int) -> str:
    """Return ``message_id`` if it is a non-empty string of at most ``max_length`` characters that can be
    sent (``is_clean_text``); else raise.
    """
    if (
        not isinstance(message_id, str)
        or not message_id.strip()
        or len(message_id) > max_length
        or not is_clean_text(message_id)
    ):
        raise InvalidMessageIdError(
            f"message_id: expected a non-empty string of at most {max_length} printable characters, "
            f"got {message_id!r}"
        )
    return message_id


def validate_phone(phone: str, default_region: str) -> str:
    """``normalize_phone`` raising the pool's ``InvalidPhoneError`` (an input error, HTTP 422)."""
    try:
        return normalize_phone(phone, default_region)
    except _PhoneError as error:
        raise InvalidPhoneError(str(error)) from None


def validate_emoji(emoji: str) -> str:
    """``validate_reaction_emoji`` raising the pool's ``InvalidEmojiError`` (an input error, HTTP 422)."""
    try:
        return validate_reaction_emoji(emoji)
    except _EmojiError as error:
        raise InvalidEmojiError(str(error)) from None
