"""A bounded, expiring memory of one company's recent incoming messages, used to address reactions.

A reaction must name the chat and, in groups, the original sender exactly as the message arrived (an ``@lid``
chat cannot be rebuilt from a phone number). Callers often only know a message id, so the pool remembers where
each recent message came from.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecentMessage:
    """Where one incoming message came from, as it arrived."""

    chat: str
    sender: str | None
    is_group: bool
    seen_at: float


class RecentMessages:
    """At most ``capacity`` messages by id, each forgotten ``ttl_s`` seconds after it was seen.

    Oldest entries are evicted first; expired entries are dropped on every write and on lookup, so memory
    stays
    bounded without a background task.
    """

    def __init__(self, *, capacity: int, ttl_s: float, clock: Callable[[], float]) -> None:
        self.capacity = capacity
        self.ttl_s = ttl_s
        self._clock = clock
        self._by_id: OrderedDict[str, RecentMessage] = OrderedDict()

    def __len__(self) -> int:
        return len(self._by_id)

    def remember(self, message_id: str, *, chat: str, sender: str | None, is_group: bool) -> None:
        """Record where ``message_id`` came from (a repeated id moves to the newest position)."""
        now = self._clock()
        self._by_id.pop(message_id, None)
        self._by_id[message_id] = RecentMessage(chat=chat, sender=sender, is_group=is_group, seen_at=now)
        self._expire(now)
        while len(self._by_id) > self.capacity:
            self._by_id.popitem(last=False)

    def get(self, message_id: str) -> RecentMessage | None:
        """The record of ``message_id`` if it was seen within the TTL, else None."""
        self._expire(self._clock())
        return self._by_id.get(message_id)

    def clear(self) -> None:
        """Forget everything (the session is being removed)."""
        self._by_id.clear()

    def _expire(self, now: float) -> None:
        # entries are in insertion order, which is seen_at order: stop at the first one still fresh
        while self._by_id:
            oldest_id, oldest = next(iter(self._by_id.items()))
            if now - oldest.seen_at < self.ttl_s:
                return
            del self._by_id[oldest_id]
