"""Redis commands sent together: what a busy instance asks in one turn of the event loop goes as one exchange.

Each command of a reaction (the admission script, then storing the answer) cost redis-py about 50 µs of CPU
and the kernel a write and a read on its own; under load many requests issue theirs in the same turn of the
event loop. ``CommandBatches`` queues them and sends them at the end of the turn together, without a
transaction, so each command keeps its own result or error, the one it would have had alone (redis-py's
response callbacks apply as they do to a single command); a connection error or timeout fails every command of
the batch, as it would have failed each.

The exchange itself is this module's, on a connection of redis-py's pool: redis-py's pipeline cost about
20 µs of CPU a command, half of it around the wire (a command stack, a deadline task for the write and an
``asyncio.timeout`` for every reply, observability hooks). Here the batch is packed in one go and the whole
exchange has one deadline, the client's socket timeout; redis-py still connects, parses the replies and
retries as its client is configured to (``shared_redis.py``: once more, on a fresh connection).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.connection import AbstractConnection

Command = tuple[Any, ...]


class CommandBatches:
    """Sends the commands ``execute`` is given in one turn of the event loop together on ``redis``."""

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
            results = await self._exchange([command for command, _ in batch])
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

    async def _exchange(self, commands: list[Command]) -> list[Any]:
        """Each command's answer, or the ``ResponseError`` Redis gave it, in order; on a connection of the
        client's pool, retried as the client retries.
        """
        pool = self.redis.connection_pool
        connection = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:

            async def exchange() -> list[Any]:
                return await self._send_and_read(connection, commands)

            async def failed(error: Exception) -> None:
                await connection.disconnect()

            results: list[Any] = await connection.retry.call_with_retry(exchange, failed)
            return results
        finally:
            await pool.release(connection)

    async def _send_and_read(self, connection: AbstractConnection, commands: list[Command]) -> list[Any]:
        from redis.exceptions import ResponseError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        packed = pack_commands(commands, connection)
        callbacks = self.redis.response_callbacks
        results: list[Any] = []
        timeout_s = connection.socket_timeout
        try:
            async with asyncio.timeout(timeout_s):
                await connection.send_packed_command(packed, check_health=False)
                for command in commands:
                    try:
                        reply = await connection.read_response(timeout=math.inf)  # under the batch's deadline
                    except ResponseError as error:
                        results.append(error)
                        continue
                    callback = callbacks.get(command[0])
                    results.append(reply if callback is None else callback(reply))
        except TimeoutError:  # the deadline; redis-py disconnected the connection on its way out
            raise RedisTimeoutError(f"Timeout after {timeout_s} s talking to Redis") from None
        return results

    async def aclose(self) -> None:
        """Wait for the batches being sent, then release the connections."""
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        await self.redis.aclose()


def pack_commands(commands: list[Command], connection: AbstractConnection) -> bytes:
    """``commands`` in Redis's protocol, as redis-py packs them for ``connection`` (a text in its encoding, an
    integer in decimal; other arguments through its encoder, which also refuses what Redis cannot take).
    """
    encoder = connection.encoder
    encoding, errors = encoder.encoding, encoder.encoding_errors
    pieces: list[bytes] = []
    for command in commands:
        name = command[0]
        if " " in name:  # "CONFIG GET": redis-py sends the words as arguments of their own
            command = (*name.split(), *command[1:])
        pieces.append(b"*%d\r\n" % len(command))
        for argument in command:
            kind = type(argument)
            if kind is str:
                data = argument.encode(encoding, errors)
            elif kind is int:
                data = b"%d" % argument
            elif kind is bytes:
                data = argument
            else:
                data = bytes(encoder.encode(argument))  # type: ignore[no-untyped-call]
            pieces.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(pieces)


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
