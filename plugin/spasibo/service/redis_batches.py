"""Redis commands sent together: what a busy instance asks in one turn of the event loop goes as one pipeline.

Each command of a reaction (the admission script, then storing the answer) cost redis-py about 50 µs of CPU
and the kernel a write and a read on its own; under load many requests issue theirs in the same turn of the
event loop. ``CommandBatches`` queues them and sends them at the end of the turn as one pipeline without a
transaction, so each command keeps its own result or error, the one it would have had alone (redis-py's
response callbacks apply as they do to a single command); a connection error or timeout fails every command of
the batch, as it would have failed each. A turn with one command sends it as it is.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis.asyncio import Redis

Command = tuple[Any, ...]


class CommandBatches:
    """Sends the commands ``execute`` is given in one turn of the event loop as one pipeline on ``redis``."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._queued: list[tuple[Command, asyncio.Future[Any]]] = []
        self._sending: set[asyncio.Task[None]] = set()

    async def execute(self, *command: Any) -> Any:
        """The answer to ``command`` (``"SET", key, value, ...``), as ``Redis.execute_command`` gives it."""
        loop = asyncio.get_running_loop()
        if not self._queued:
            loop.call_soon(self._flush)
        answer: asyncio.Future[Any] = loop.create_future()
        self._queued.append((command, answer))
        return await answer

    def _flush(self) -> None:
        batch, self._queued = self._queued, []
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._sending.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[Command, asyncio.Future[Any]]]) -> None:
        try:
            if len(batch) == 1:
                results = [await self.redis.execute_command(*batch[0][0])]  # type: ignore[no-untyped-call]
            else:
                pipeline = self.redis.pipeline(transaction=False)
                for command, _ in batch:
                    pipeline.execute_command(*command)
                results = await pipeline.execute(raise_on_error=False)
        except Exception as error:
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(error)
            return
        except BaseException:
            for _, answer in batch:
                answer.cancel()
            raise
        for (_, answer), result in zip(batch, results, strict=True):
            if answer.done():  # its caller was cancelled meanwhile
                continue
            if isinstance(result, Exception):
                answer.set_exception(result)
            else:
                answer.set_result(result)

    async def aclose(self) -> None:
        """Wait for the batches being sent, then release the connections."""
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        await self.redis.aclose()


class BatchedScript:
    """A Lua script run by ``EVALSHA`` through ``CommandBatches``, loaded again if Redis has forgotten it
    (a restart, ``SCRIPT FLUSH``), as redis-py's ``register_script`` does.
    """

    def __init__(self, batches: CommandBatches, text: str) -> None:
        self._batches = batches
        self.text = text
        self.sha = hashlib.sha1(text.encode()).hexdigest()

    async def __call__(self, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        from redis.exceptions import NoScriptError

        command = ("EVALSHA", self.sha, len(keys), *keys, *args)
        try:
            return await self._batches.execute(*command)
        except NoScriptError:
            await self._batches.redis.script_load(self.text)  # type: ignore[no-untyped-call]
            return await self._batches.execute(*command)
