"""The fake client cannot drift from neonize: same method signatures, same event registration semantics."""

from __future__ import annotations

import inspect

import pytest
from neonize.aioze.client import NewAClient
from neonize.aioze.events import ConnectedEv, Event, MessageEv
from neonize.events import EVENT_TO_INT

from spasibo.testing.whatsapp import FakeEvent, FakeWhatsAppClient

FAKE_ONLY = {
    # test controls, not part of NewAClient
    "emit",
    "deliver",
    "show_qr",
    "pair_success",
    "disconnect_event",
    "logged_out_event",
    "stream_replaced_event",
    "temporary_ban_event",
    "incoming_text",
    "incoming_reaction",
    "pending_tasks",
}


def _public_members(cls: type) -> list[str]:
    return [
        name
        for name in vars(cls)
        if (not name.startswith("_") or name == "__init__") and name not in FAKE_ONLY
    ]


def _shape(function) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("name", _public_members(FakeWhatsAppClient))
def test_fake_method_has_the_real_signature(name):
    fake, real = (
        inspect.getattr_static(FakeWhatsAppClient, name),
        inspect.getattr_static(NewAClient, name, None),
    )
    assert real is not None, f"NewAClient has no {name}"
    if isinstance(real, property):
        assert isinstance(fake, property), f"{name} is a property on NewAClient"
        return
    assert _shape(fake) == _shape(real)
    assert inspect.iscoroutinefunction(fake) == inspect.iscoroutinefunction(real)


@pytest.mark.parametrize("name", ["qr", "__call__", "__init__"])
def test_fake_event_registry_has_the_real_signature(name):
    assert _shape(getattr(FakeEvent, name)) == _shape(getattr(Event, name))


def test_every_method_the_pool_calls_exists_on_both():
    for name in ("connect", "stop", "logout", "PairPhone", "build_reaction", "send_message", "is_connected"):
        assert hasattr(NewAClient, name)
        assert hasattr(FakeWhatsAppClient, name)


async def test_is_connected_must_be_awaited_on_both():
    real = NewAClient("spasibo-test-builder.db", uuid="spasibo-test-is-connected")
    real_value, fake_value = real.is_connected, FakeWhatsAppClient("x.db", uuid="x").is_connected
    assert inspect.isawaitable(real_value)
    assert inspect.isawaitable(fake_value)
    assert await real_value is False
    assert await fake_value is False


def test_registering_a_handler_fills_list_func_by_event_code_like_neonize():
    real, fake = (
        NewAClient("spasibo-test-builder.db", uuid="spasibo-test-registry"),
        FakeWhatsAppClient("x", uuid="x"),
    )

    async def handler(client, event):
        return None

    for client in (real, fake):
        client.event(MessageEv)(handler)
        client.event(ConnectedEv)(handler)
        assert client.event.list_func == {
            EVENT_TO_INT[MessageEv]: handler,
            EVENT_TO_INT[ConnectedEv]: handler,
        }


async def test_emitted_event_reaches_the_registered_handler():
    fake = FakeWhatsAppClient("x", uuid="x")
    seen = []

    async def handler(client, event):
        seen.append((client, type(event)))

    fake.event(ConnectedEv)(handler)
    fake.pair_success()
    await fake.deliver(ConnectedEv(status=True))
    assert seen[0] == (fake, ConnectedEv)
    assert fake.connected


async def test_offline_connect_fails_with_neonizes_dial_error():
    from neonize.exc import NeonizeError

    fake = FakeWhatsAppClient("x", uuid="x")
    fake.connect_failures = 1
    task = await fake.connect()
    with pytest.raises(NeonizeError, match="no such host"):
        await task


async def test_sent_reaction_is_recorded_as_neonize_built_it():
    from spasibo.whatsapp.reactions import parse_jid

    fake = FakeWhatsAppClient("x", uuid="x")
    chat = parse_jid("79001234567@s.whatsapp.net")
    message = await fake.build_reaction(chat, chat, "M1", "❤️")
    response = await fake.send_message(chat, message)
    assert fake.sent == [(chat, message)]
    assert response.ID


async def test_a_fake_keeping_the_last_sends_forgets_older_ones_and_never_repeats_an_id():
    from spasibo.whatsapp.reactions import parse_jid

    fake = FakeWhatsAppClient("x", uuid="x")
    fake.keep_sent = 3
    chat = parse_jid("79001234567@s.whatsapp.net")
    ids = [(await fake.send_message(chat, f"text {n}")).ID for n in range(5)]
    assert [message.conversation for _, message in fake.sent] == ["text 2", "text 3", "text 4"]
    assert len(set(ids)) == 5
    assert fake.sends == 5
