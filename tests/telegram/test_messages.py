"""An aiogram Message as spasibo's IncomingMessage: ids as strings, captions as text, the date kept."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.types import Message

from spasibo.telegram import incoming_message
from spasibo.testing.telegram import FakeBotAPI

SENT_AT = int(datetime(2026, 3, 8, 12, 0, tzinfo=UTC).timestamp())


def aiogram_message(**fields: object) -> Message:
    json = FakeBotAPI().message_json("Спасибо!", date=SENT_AT, **fields)  # type: ignore[arg-type]
    return Message.model_validate(json)


def test_private_chat_message_keeps_telegrams_ids_as_strings() -> None:
    message = incoming_message(aiogram_message(chat_id=42, user_id=7, message_id=1001))
    assert (message.platform, message.chat, message.sender, message.message_id, message.is_group) == (
        "telegram",
        "42",
        "7",
        "1001",
        False,
    )


def test_sent_at_is_the_telegram_date() -> None:
    assert incoming_message(aiogram_message()).sent_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def test_group_and_supergroup_are_groups() -> None:
    assert incoming_message(aiogram_message(chat_type="group")).is_group
    assert incoming_message(aiogram_message(chat_type="supergroup", chat_id=-1001)).is_group


def test_message_from_the_bot_itself_is_from_me() -> None:
    assert incoming_message(aiogram_message(user_id=555), bot_id=555).from_me
    assert not incoming_message(aiogram_message(user_id=7), bot_id=555).from_me


def test_caption_is_the_text_of_a_photo_message() -> None:
    json = FakeBotAPI().message_json("")
    del json["text"]
    json["caption"] = "Спасибо за фото!"
    json["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    assert incoming_message(Message.model_validate(json)).text == "Спасибо за фото!"


def test_company_id_is_passed_through() -> None:
    assert incoming_message(aiogram_message(), company_id="shop-7").company_id == "shop-7"
