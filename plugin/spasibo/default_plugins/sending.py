"""Built-in plugin: sends a reaction through the transport its request names."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping

from spasibo.hookspecs import hookimpl
from spasibo.models import ReactionRequest, ReactionResult
from spasibo.transport import Transport


@hookimpl(trylast=True)
def spasibo_send_reaction(
    request: ReactionRequest, transports: Mapping[str, Transport]
) -> Awaitable[ReactionResult]:
    """Return ``transports[request.transport].send(request)``, looked up when awaited."""

    async def send() -> ReactionResult:
        return await transports[request.transport].send(request)

    return send()
