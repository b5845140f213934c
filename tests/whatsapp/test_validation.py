"""The pool's input checks: what a message id may contain."""

from __future__ import annotations

import sys
import unicodedata

from spasibo.whatsapp.validation import is_clean_text


def test_control_characters_are_exactly_unicodes_category_cc():
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates are refused as invalid UTF-8, whatever their category
        char = chr(code)
        assert is_clean_text(f"id{char}x") == (unicodedata.category(char) != "Cc"), hex(code)


def test_lone_surrogates_are_not_clean():
    assert not is_clean_text("id\ud800")
    assert is_clean_text("3EB0C431C26A1916E1D3")
