"""Real neonize Message event protobufs become IncomingMessage / IncomingReaction with JIDs as they
arrived."""

from __future__ import annotations

from datetime import UTC, datetime

from neonize.proto.Neonize_pb2 import Message as MessageEvent
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message, ReactionMessage

from spasibo.testing.whatsapp import message_event
from spasibo.whatsapp import incoming_message, incoming_reaction

from .conftest import CUSTOMER, GROUP, LID_CUSTOMER


def test_direct_text_message_becomes_incoming_message():
    event = message_event(
        Message(conversation="Спасибо!"), chat=CUSTOMER, message_id="M1", timestamp=1_700_000_000
    )
    message = incoming_message("acme", event)
    assert message is not None
    assert (message.platform, message.company_id, message.chat, message.sender) == (
        "whatsapp",
        "acme",
        CUSTOMER,
        CUSTOMER,
    )
    assert (message.message_id, message.text, message.is_group, message.from_me) == (
        "M1",
        "Спасибо!",
        False,
        False,
    )
    assert message.sent_at == datetime.fromtimestamp(1_700_000_000, UTC)


def test_group_message_keeps_group_chat_and_lid_sender_as_they_arrived():
    event = message_event(Message(conversation="спасибо"), chat=GROUP, sender=LID_CUSTOMER)
    message = incoming_message("acme", event)
    assert message is not None
    assert message.chat == GROUP
    assert message.sender == LID_CUSTOMER
    assert message.is_group


def test_sender_with_device_is_rendered_like_neonize():
    event = message_event(Message(conversation="hi"), chat=GROUP, sender="79001234567:12@s.whatsapp.net")
    message = incoming_message("acme", event)
    assert message is not None
    assert message.sender == "79001234567:12@s.whatsapp.net"


def test_extended_text_message_text_is_read():
    event = message_event(Message(extendedTextMessage={"text": "спасибо за ссылку"}), chat=CUSTOMER)
    message = incoming_message("acme", event)
    assert message is not None
    assert message.text == "спасибо за ссылку"


def test_image_caption_is_read_as_text():
    event = message_event(Message(imageMessage={"caption": "спасибо, вот фото"}), chat=CUSTOMER)
    message = incoming_message("acme", event)
    assert message is not None
    assert message.text == "спасибо, вот фото"


def test_own_message_is_marked_from_me():
    event = message_event(Message(conversation="Пожалуйста"), chat=CUSTOMER, from_me=True)
    message = incoming_message("acme", event)
    assert message is not None
    assert message.from_me


def test_message_without_text_is_not_fed():
    assert incoming_message("acme", message_event(Message(), chat=CUSTOMER)) is None


def test_event_survives_serialisation_like_neonize_delivers_it():
    event = message_event(Message(conversation="спасибо"), chat=GROUP, sender=LID_CUSTOMER, message_id="X")
    parsed = MessageEvent.FromString(event.SerializeToString())  # what neonize's Event.execute does
    message = incoming_message("acme", parsed)
    assert message is not None
    assert (message.chat, message.sender, message.message_id) == (
        GROUP,
        LID_CUSTOMER,
        "X",
    )


def test_reaction_event_becomes_incoming_reaction():
    body = Message(reactionMessage=ReactionMessage(key={"remoteJID": CUSTOMER, "ID": "M1"}, text="🙏"))
    reaction = incoming_reaction("acme", message_event(body, chat=CUSTOMER))
    assert reaction is not None
    assert (reaction.chat, reaction.sender, reaction.message_id, reaction.emoji) == (
        CUSTOMER,
        CUSTOMER,
        "M1",
        "🙏",
    )


def test_text_message_is_not_a_reaction():
    assert incoming_reaction("acme", message_event(Message(conversation="hi"), chat=CUSTOMER)) is None
