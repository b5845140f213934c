"""Addressing a reaction (which chat, which participant) and building it with neonize's ``build_reaction``.

WhatsApp matches a reaction to its message by (chat, message id, participant). In a group the participant must
be the original sender, or the reaction is silently dropped; in a direct chat the sender must be the customer,
or neonize marks the key ``fromMe`` and the reaction lands on nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from neonize.proto.Neonize_pb2 import JID
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from spasibo.phone import InvalidPhoneError as _PhoneError
from spasibo.phone import normalize_phone
from spasibo.whatsapp.errors import (
    InvalidChatError,
    InvalidInputError,
    InvalidSenderError,
    UnknownGroupMessageError,
)
from spasibo.whatsapp.recent import RecentMessages

if TYPE_CHECKING:
    from spasibo.whatsapp.client import WhatsAppClient

USER_SERVER = "s.whatsapp.net"
GROUP_SERVER = "g.us"
LID_SERVER = "lid"
USER_SERVERS = (USER_SERVER, LID_SERVER)  # a person: by phone number, or by privacy id in groups and chats

AddressField = Literal["chat", "sender"]
_ADDRESS_ERRORS: dict[str, type[InvalidInputError]] = {"chat": InvalidChatError, "sender": InvalidSenderError}


@dataclass(frozen=True, slots=True)
class ReactionTarget:
    """The chat and sender JIDs (as strings) a reaction is addressed with."""

    chat: str
    sender: str
    is_group: bool


# user[.agent][:device]@server, as neonize's Jid2String writes it; ASCII only (a surrogate or a space in the
# user part fails deep inside neonize otherwise)
_JID_RE = re.compile(
    r"(?P<user>[0-9A-Za-z_-]+)(?:\.(?P<agent>[0-9]{1,5}))?(?::(?P<device>[0-9]{1,10}))?@(?P<server>[0-9a-z.-]+)"
)
# whatsmeow's JID holds the agent as uint8 and the device as uint16; larger numbers cannot address anyone
AGENT_MAX = 0xFF
DEVICE_MAX = 0xFFFF
JID_MAX_LENGTH = 128


def parse_jid(text: str, field: AddressField = "chat") -> JID:
    """The neonize ``JID`` for a string such as ``79001234567@s.whatsapp.net``, ``12345:3@lid`` or ``…@g.us``.

    The inverse of neonize's ``Jid2String`` (including ``user.agent:device@server``). Raises
    ``InvalidChatError`` (``InvalidSenderError`` for ``field="sender"``) for anything else: no
    ``user@server``, characters outside ASCII letters, digits, ``_`` and ``-`` in the user part, or an agent
    or device number out of range (``79001234567:-1@s.whatsapp.net``).
    """
    user, server, agent, device = _jid_parts(text, field)
    return JID(User=user, Server=server, Device=device, RawAgent=agent, Integrator=0, IsEmpty=False)


def _jid_parts(text: str, field: AddressField) -> tuple[str, str, int, int]:
    """(user, server, agent, device) of a valid JID string, else the error ``parse_jid`` raises; checking an
    address needs no protobuf.
    """
    error = _ADDRESS_ERRORS[field]
    match = _JID_RE.fullmatch(text) if len(text) <= JID_MAX_LENGTH else None
    if match is None:
        raise error(
            f"{field}: expected a WhatsApp JID like '79001234567@s.whatsapp.net' "
            f"(user[.agent][:device]@server in ASCII letters and digits, "
            f"at most {JID_MAX_LENGTH} characters), got {text!r}"
        )
    agent = int(match["agent"] or 0)
    device = int(match["device"] or 0)
    if agent > AGENT_MAX or device > DEVICE_MAX:
        raise error(
            f"{field}: {text!r} has an agent above {AGENT_MAX} or a device above {DEVICE_MAX}, "
            "which WhatsApp cannot address"
        )
    return match["user"], match["server"], agent, device


def address_jid(value: str, field: AddressField, default_region: str) -> str:
    """``value`` as a JID string: a JID is checked and kept exactly as given, a phone number becomes its
    direct chat (``+7 900 123-45-67`` → ``79001234567@s.whatsapp.net``).

    Raises ``InvalidChatError`` (``InvalidSenderError`` for ``field="sender"``) naming ``field``.
    """
    if not isinstance(value, str) or not value.strip():
        raise _ADDRESS_ERRORS[field](f"{field}: expected a WhatsApp JID or a phone number, got {value!r}")
    value = value.strip()
    if "@" in value:
        _jid_parts(value, field)  # validates
        return value
    try:
        return f"{normalize_phone(value, default_region)}@{USER_SERVER}"
    except _PhoneError as error:
        raise _ADDRESS_ERRORS[field](
            f"{field}: neither a WhatsApp JID nor a phone number ({error})"
        ) from None


def is_group_jid(jid: str) -> bool:
    """Whether ``jid`` (a valid JID string) is a group chat, ``…@g.us``."""
    return jid.rpartition("@")[2] == GROUP_SERVER


def user_of(jid: str) -> str | None:
    """The person a user JID names, without device or agent (``12345:3@lid`` → ``12345@lid``); None when
    ``jid`` (a valid JID string) is not a person's address (a group, a broadcast list, ...).
    """
    user, server, _, _ = _jid_parts(jid, "chat")
    if server not in USER_SERVERS:
        return None
    return f"{user}@{server}"


def resolve_target(
    recent: RecentMessages, *, chat: str, message_id: str, sender: str | None, default_region: str
) -> ReactionTarget:
    """Where to send a reaction on ``message_id``: the chat and sender exactly as the message arrived.

    A remembered message wins (when ``chat`` names the same chat or is only a phone number). Otherwise an
    explicit ``sender`` is used; a direct chat's sender is the chat itself; a phone number becomes a direct
    chat.
    A group message that was not seen and has no ``sender`` raises ``UnknownGroupMessageError``.
    """
    if not isinstance(chat, str) or not chat.strip():
        raise InvalidChatError(f"chat: expected a WhatsApp JID or a phone number, got {chat!r}")
    seen = recent.get(message_id)
    if seen is not None and (chat == seen.chat or "@" not in chat):
        return ReactionTarget(chat=seen.chat, sender=seen.sender or seen.chat, is_group=seen.is_group)
    chat_jid = address_jid(chat, "chat", default_region)
    is_group = is_group_jid(chat_jid)
    if sender:
        return ReactionTarget(
            chat=chat_jid, sender=address_jid(sender, "sender", default_region), is_group=is_group
        )
    if is_group:
        raise UnknownGroupMessageError(
            f"message {message_id!r} in group {chat_jid} was not seen by this session (or has expired), "
            f"so its "
            "sender is unknown; pass sender=<the participant's JID> to react to it"
        )
    return ReactionTarget(chat=chat_jid, sender=chat_jid, is_group=False)


async def build_reaction(
    client: WhatsAppClient, target: ReactionTarget, message_id: str, emoji: str, *, from_me: bool = False
) -> Message:
    """The reaction message neonize builds for ``target`` (``emoji == ""`` removes an earlier reaction).

    ``from_me`` reacts to the business's own message: the key is marked ``fromMe`` and names no participant
    (whatsmeow's ``BuildMessageKey`` does the same when the sender is the logged-in account).
    """
    message = await client.build_reaction(parse_jid(target.chat), parse_jid(target.sender), message_id, emoji)
    if from_me:
        message.reactionMessage.key.fromMe = True
        message.reactionMessage.key.ClearField("participant")
    return message
