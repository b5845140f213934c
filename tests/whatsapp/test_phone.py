"""normalize_phone: every way people write a number becomes E.164 digits without '+'."""

from __future__ import annotations

import pytest

from spasibo import phone
from spasibo.phone import InvalidPhoneError, mask_phone, normalize_phone
from spasibo.whatsapp import normalize_phone as reexported


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("89001234567", "79001234567"),
        ("+79001234567", "79001234567"),
        ("9001234567", "79001234567"),
        ("79001234567", "79001234567"),
        ("8 (900) 123-45-67", "79001234567"),
        ("+7 900 123 45 67", "79001234567"),
        ("+4915123456789", "4915123456789"),
        ("4915123456789", "4915123456789"),
        ("+380501234567", "380501234567"),
        ("+1 202 555 0143", "12025550143"),
    ],
)
def test_normalize_phone_gives_e164_digits(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["123", "12345678901234567", "", "   ", "phone", "+7"])
def test_normalize_phone_rejects_what_is_not_a_number(raw):
    with pytest.raises(InvalidPhoneError, match="phone"):
        normalize_phone(raw)


def test_default_region_decides_numbers_without_country_code():
    assert normalize_phone("015123456789", default_region="DE") == "4915123456789"


def read(text: str, region: str) -> str | None:
    try:
        return normalize_phone(text, region)
    except InvalidPhoneError:
        return None


# each a number written in E.164 and as its bare digits, which some region reads as a national number
SAME_NUMBER_WRITTEN_TWICE = ("+79001234567", "79001234567", "+9607771234", "9607771234", "+4915123456789")


def test_every_remembered_answer_is_what_a_fresh_reading_gives():
    # read in turn, every number in every region, each reading after the others ("+79001234567" in DE before
    # "79001234567" in DE, which Germany reads as its own); then each again with nothing remembered
    phone._recent.clear()
    remembered = {
        (text, region): read(text, region)
        for region in ("RU", "DE", "US")
        for text in SAME_NUMBER_WRITTEN_TWICE
    }
    fresh = {}
    for text, region in remembered:
        phone._recent.clear()
        fresh[(text, region)] = read(text, region)
    assert remembered == fresh


def test_error_message_masks_the_number():
    with pytest.raises(InvalidPhoneError) as caught:
        normalize_phone("12345678901234567")
    assert "12345678901234567" not in str(caught.value)


def test_mask_phone_hides_the_middle_digits():
    assert mask_phone("79001234567") == "7900*****67"
    assert mask_phone("123") == "***"
    assert mask_phone(None) == ""


def test_whatsapp_package_reexports_the_one_function():
    assert reexported is normalize_phone
