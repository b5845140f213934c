"""The console transport: prints the reaction instead of sending it. The default, so spasibo runs anywhere."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, ValidationError

from spasibo.models import Platform, ReactionRequest, ReactionResult
from spasibo.settings import config_error


class ConsoleSettings(BaseModel):
    """``[transports.console]``: where the reaction lines go."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stream: Literal["stdout", "stderr"] = "stdout"


class ConsoleTransport:
    """Prints one line per reaction, e.g. ``  ❤️  reaction on message 3 in chat console``."""

    name = Platform.CONSOLE.value

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> ConsoleTransport:
        """Build it from its ``[transports.console]`` table."""
        try:
            settings = ConsoleSettings.model_validate(dict(options))
        except ValidationError as error:
            raise config_error(error, "[transports.console]") from None
        return cls(sys.stderr if settings.stream == "stderr" else None)

    async def send(self, request: ReactionRequest) -> ReactionResult:
        """Print the reaction and report it sent."""
        message = request.message
        stream = self._stream or sys.stdout  # looked up late so redirected/captured stdout is honoured
        print(
            f"  {request.emoji}  reaction on message {message.message_id} in chat {message.chat}", file=stream
        )
        stream.flush()
        return ReactionResult(
            ok=True, transport=self.name, emoji=request.emoji, message_id=message.message_id
        )
