"""What ``feed()`` remembers between messages: message ids already handled, and chats in a cooldown.

Both are bounded in time and size so a long-running bot does not grow without limit. Times are POSIX seconds
from the app's injectable clock, so tests move time by hand.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class SeenMessages:
    """Message keys handled in the last ``ttl_s`` seconds; at most ``max_messages``, oldest dropped."""

    def __init__(self, *, ttl_s: float, max_messages: int) -> None:
        self._ttl_s = ttl_s
        self._max_messages = max_messages
        self._expiry: OrderedDict[Hashable, float] = OrderedDict()  # insertion order is expiry order

    def claim(self, key: Hashable, now_s: float) -> bool:
        """Remember ``key``; False when it was already remembered (a duplicate), True when it is new."""
        self._forget_expired(now_s)
        if key in self._expiry:
            return False
        self._expiry[key] = now_s + self._ttl_s
        if len(self._expiry) > self._max_messages:
            self._expiry.popitem(last=False)
        return True

    def release(self, key: Hashable) -> None:
        """Forget ``key`` so a redelivery of the message is handled again (after a failed send)."""
        self._expiry.pop(key, None)

    def __len__(self) -> int:
        return len(self._expiry)

    def _forget_expired(self, now_s: float) -> None:
        while self._expiry:
            key, expiry = next(iter(self._expiry.items()))
            if expiry > now_s:
                return
            del self._expiry[key]


class ChatCooldowns:
    """Chats that got a reaction recently, each until its cooldown ends; at most ``max_chats`` remembered."""

    def __init__(self, *, max_chats: int) -> None:
        self._max_chats = max_chats
        self._until: dict[Hashable, float] = {}

    def active(self, key: Hashable, now_s: float) -> bool:
        """True while ``key`` is in its cooldown."""
        return self._until.get(key, 0.0) > now_s

    def start(self, key: Hashable, now_s: float, cooldown_s: float) -> None:
        """Start a cooldown of ``cooldown_s`` seconds for ``key`` (nothing to remember when it is 0)."""
        if cooldown_s <= 0:
            return
        self._until[key] = now_s + cooldown_s
        if len(self._until) > self._max_chats:
            self._until = {k: until for k, until in self._until.items() if until > now_s}
            while len(self._until) > self._max_chats:  # still full of live cooldowns: drop the oldest
                del self._until[next(iter(self._until))]

    def end(self, key: Hashable) -> None:
        """End ``key``'s cooldown now (its reaction did not go out after all)."""
        self._until.pop(key, None)
