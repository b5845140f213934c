"""What feed() remembers: seen message ids (bounded, expiring) and chat cooldowns."""

from __future__ import annotations

from spasibo.memory import ChatCooldowns, SeenMessages


def test_a_new_key_is_claimed_once() -> None:
    seen = SeenMessages(ttl_s=60, max_messages=10)
    assert seen.claim("a", 0.0)
    assert not seen.claim("a", 1.0)


def test_a_key_is_forgotten_after_its_ttl() -> None:
    seen = SeenMessages(ttl_s=60, max_messages=10)
    seen.claim("a", 0.0)
    assert seen.claim("a", 60.0)


def test_the_oldest_key_is_dropped_beyond_the_bound() -> None:
    seen = SeenMessages(ttl_s=60, max_messages=2)
    for key in ("a", "b", "c"):
        seen.claim(key, 0.0)
    assert len(seen) == 2
    assert seen.claim("a", 0.0)


def test_released_key_can_be_claimed_again() -> None:
    seen = SeenMessages(ttl_s=60, max_messages=10)
    seen.claim("a", 0.0)
    seen.release("a")
    assert seen.claim("a", 0.0)


def test_cooldown_is_active_until_it_ends() -> None:
    cooldowns = ChatCooldowns(max_chats=10)
    cooldowns.start("chat", 0.0, 30.0)
    assert cooldowns.active("chat", 29.9)
    assert not cooldowns.active("chat", 30.0)


def test_zero_cooldown_is_never_active() -> None:
    cooldowns = ChatCooldowns(max_chats=10)
    cooldowns.start("chat", 0.0, 0.0)
    assert not cooldowns.active("chat", 0.0)


def test_cooldowns_stay_within_their_bound() -> None:
    cooldowns = ChatCooldowns(max_chats=2)
    for index, chat in enumerate(("a", "b", "c")):
        cooldowns.start(chat, float(index), 100.0)
    assert not cooldowns.active("a", 3.0)
    assert cooldowns.active("c", 3.0)
