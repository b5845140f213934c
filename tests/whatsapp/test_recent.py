"""Recent-message memory: bounded per company, entries expire."""

from __future__ import annotations

from spasibo.testing.whatsapp import ManualClock
from spasibo.whatsapp.recent import RecentMessages


def test_oldest_message_is_evicted_beyond_capacity():
    memory = RecentMessages(capacity=2, ttl_s=60, clock=ManualClock().now)
    for message_id in ("a", "b", "c"):
        memory.remember(message_id, chat="c@g.us", sender="s@lid", is_group=True)
    assert len(memory) == 2
    assert memory.get("a") is None
    assert memory.get("c") is not None


async def test_message_is_forgotten_after_the_ttl():
    clock = ManualClock()
    memory = RecentMessages(capacity=10, ttl_s=60, clock=clock.now)
    memory.remember("a", chat="c@s.whatsapp.net", sender=None, is_group=False)
    await clock.advance(59)
    assert memory.get("a") is not None
    await clock.advance(1)
    assert memory.get("a") is None
    assert len(memory) == 0


def test_repeated_id_keeps_the_latest_address():
    memory = RecentMessages(capacity=10, ttl_s=60, clock=ManualClock().now)
    memory.remember("a", chat="one@s.whatsapp.net", sender=None, is_group=False)
    memory.remember("a", chat="two@s.whatsapp.net", sender=None, is_group=False)
    assert len(memory) == 1
    seen = memory.get("a")
    assert seen is not None
    assert seen.chat == "two@s.whatsapp.net"
