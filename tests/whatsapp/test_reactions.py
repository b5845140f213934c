"""Addressing reactions and neonize's real build_reaction output for direct, group, @lid and removal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from neonize.aioze.client import NewAClient
from neonize.proto.Neonize_pb2 import JID
from neonize.utils.jid import Jid2String

from spasibo.whatsapp import InvalidChatError, InvalidSenderError, UnknownGroupMessageError
from spasibo.whatsapp.reactions import (
    ReactionTarget,
    build_reaction,
    is_group_jid,
    parse_jid,
    resolve_target,
    user_of,
)
from spasibo.whatsapp.recent import RecentMessages

from .conftest import CUSTOMER, GROUP, LID_CUSTOMER


@pytest.fixture(scope="module")
def neonize_client() -> NewAClient:
    # never connected: build_reaction runs in neonize's Go library offline
    return NewAClient("spasibo-test-builder.db", uuid="spasibo-test-builder")


def recent(**seen: tuple[str, str | None, bool]) -> RecentMessages:
    memory = RecentMessages(capacity=10, ttl_s=60, clock=lambda: 0.0)
    for message_id, (chat, sender, is_group) in seen.items():
        memory.remember(message_id, chat=chat, sender=sender, is_group=is_group)
    return memory


async def test_direct_reaction_is_not_from_me_and_has_no_participant(neonize_client):
    message = await build_reaction(neonize_client, ReactionTarget(CUSTOMER, CUSTOMER, False), "M1", "❤️")
    key = message.reactionMessage.key
    assert (key.remoteJID, key.ID, key.fromMe, key.participant) == (CUSTOMER, "M1", False, "")
    assert message.reactionMessage.text == "❤️"


async def test_group_reaction_names_the_sender_as_participant(neonize_client):
    message = await build_reaction(neonize_client, ReactionTarget(GROUP, CUSTOMER, True), "M2", "👍🏽")
    key = message.reactionMessage.key
    assert (key.remoteJID, key.participant, key.fromMe) == (GROUP, CUSTOMER, False)


async def test_group_reaction_keeps_a_lid_participant(neonize_client):
    message = await build_reaction(neonize_client, ReactionTarget(GROUP, LID_CUSTOMER, True), "M3", "🙏")
    assert message.reactionMessage.key.participant == LID_CUSTOMER


async def test_lid_chat_reaction_is_addressed_to_the_lid(neonize_client):
    message = await build_reaction(
        neonize_client, ReactionTarget(LID_CUSTOMER, LID_CUSTOMER, False), "M4", "🔥"
    )
    key = message.reactionMessage.key
    assert (key.remoteJID, key.participant, key.fromMe) == (LID_CUSTOMER, "", False)


async def test_empty_emoji_builds_a_removal(neonize_client):
    message = await build_reaction(neonize_client, ReactionTarget(CUSTOMER, CUSTOMER, False), "M1", "")
    assert message.HasField("reactionMessage")
    assert message.reactionMessage.text == ""


async def test_without_sender_neonize_would_mark_the_key_from_me(neonize_client):
    # why resolve_target always supplies a sender: an empty one turns the reaction onto our own message
    empty = JID(User="", RawAgent=0, Device=0, Integrator=0, Server="", IsEmpty=True)
    message = await neonize_client.build_reaction(parse_jid(CUSTOMER), empty, "M1", "❤️")
    assert message.reactionMessage.key.fromMe


def test_seen_group_message_is_addressed_as_it_arrived():
    target = resolve_target(
        recent(M1=(GROUP, LID_CUSTOMER, True)), chat=GROUP, message_id="M1", sender=None, default_region="RU"
    )
    assert target == ReactionTarget(GROUP, LID_CUSTOMER, True)


def test_seen_lid_message_is_not_rebuilt_from_a_phone_number():
    target = resolve_target(
        recent(M1=(LID_CUSTOMER, LID_CUSTOMER, False)),
        chat="89001234567",
        message_id="M1",
        sender=None,
        default_region="RU",
    )
    assert target.chat == LID_CUSTOMER


def test_unseen_message_with_only_a_phone_goes_to_the_direct_chat():
    target = resolve_target(
        recent(), chat="+7 900 123-45-67", message_id="M9", sender=None, default_region="RU"
    )
    assert target == ReactionTarget(CUSTOMER, CUSTOMER, False)


def test_unseen_group_message_without_sender_is_refused():
    with pytest.raises(UnknownGroupMessageError, match="sender"):
        resolve_target(recent(), chat=GROUP, message_id="M9", sender=None, default_region="RU")


def test_unseen_group_message_with_explicit_sender_is_addressed():
    target = resolve_target(recent(), chat=GROUP, message_id="M9", sender=LID_CUSTOMER, default_region="RU")
    assert target == ReactionTarget(GROUP, LID_CUSTOMER, True)


def test_message_seen_in_another_chat_does_not_redirect_the_reaction():
    target = resolve_target(
        recent(M1=(GROUP, LID_CUSTOMER, True)),
        chat=CUSTOMER,
        message_id="M1",
        sender=None,
        default_region="RU",
    )
    assert target == ReactionTarget(CUSTOMER, CUSTOMER, False)


@pytest.mark.parametrize("chat", ["", "not a chat", "@g.us", "user@"])
def test_bad_chat_is_refused_with_the_field_named(chat):
    with pytest.raises(InvalidChatError, match="chat"):
        resolve_target(recent(), chat=chat, message_id="M1", sender=None, default_region="RU")


@pytest.mark.parametrize("sender", ["  ", "not a sender", "user@", "12:x@lid"])
def test_bad_sender_is_refused_as_the_sender_not_the_chat(sender):
    with pytest.raises(InvalidSenderError, match=r"^sender: "):
        resolve_target(recent(), chat=GROUP, message_id="M1", sender=sender, default_region="RU")


@pytest.mark.parametrize(
    ("jid", "user"),
    [
        ("204586732453953@lid", "204586732453953@lid"),
        ("204586732453953:12@lid", "204586732453953@lid"),
        ("79001234567:3@s.whatsapp.net", "79001234567@s.whatsapp.net"),
        ("120363025246125888@g.us", None),
        ("status@broadcast", None),
    ],
)
def test_user_of_names_the_person_without_the_device(jid, user):
    assert user_of(jid) == user


def test_only_g_us_is_a_group():
    assert is_group_jid(GROUP)
    assert not is_group_jid(LID_CUSTOMER)
    assert not is_group_jid(CUSTOMER)


@given(
    user=st.from_regex(r"[0-9]{5,15}", fullmatch=True),
    server=st.sampled_from(["s.whatsapp.net", "g.us", "lid", "broadcast"]),
    device=st.integers(0, 99),
    agent=st.integers(0, 9),
)
def test_parse_jid_is_the_inverse_of_neonize_jid2string(user, server, device, agent):
    text = Jid2String(JID(User=user, Server=server, Device=device, RawAgent=agent))
    assert Jid2String(parse_jid(text)) == text
