"""The one shape every reaction transport has (console, WhatsApp pool, HTTP proxy, Telegram, third-party)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from spasibo.models import ReactionRequest, ReactionResult


@runtime_checkable
class Transport(Protocol):
    """Sends reactions to one platform.

    ``name`` is what a rule's ``transport = "..."`` refers to. ``send`` returns a ``ReactionResult`` or
    raises a ``spasibo.errors.ReactionError`` (or subclass) when the reaction did not go out.
    """

    name: str

    async def send(self, request: ReactionRequest) -> ReactionResult:
        """Send ``request.emoji`` as a reaction on ``request.message``."""
        ...
