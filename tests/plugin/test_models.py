"""Public input models refuse what they do not know: a misspelt field is an error, not a silent default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from spasibo.models import IncomingMessage, ReactionRequest


def test_incoming_message_refuses_an_unknown_field_naming_it() -> None:
    with pytest.raises(ValidationError, match="timestamp") as caught:
        IncomingMessage(chat="c", message_id="m", timestamp=datetime(2026, 1, 1, tzinfo=UTC))
    assert caught.value.errors()[0]["type"] == "extra_forbidden"


def test_reaction_request_refuses_an_unknown_field_naming_it() -> None:
    message = IncomingMessage(chat="c", message_id="m")
    with pytest.raises(ValidationError, match="reaction"):
        ReactionRequest(message=message, emoji="❤️", transport="console", reaction="❤️")
