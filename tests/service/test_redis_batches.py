"""CommandBatches: the commands of one event-loop turn go as one pipeline, each answered as if sent alone."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio
import redis.exceptions

from spasibo.service.redis_batches import BatchedScript, CommandBatches
from spasibo.service.shared_redis import connect_redis

pytestmark = pytest.mark.redis


@pytest.fixture
async def named(redis_url: str) -> AsyncIterator[tuple[CommandBatches, str]]:
    """Batches over a client whose connections carry a name of their own, so Redis can count them."""
    name = f"batches-{uuid.uuid4().hex}"
    batches = CommandBatches(redis.asyncio.Redis.from_url(redis_url, decode_responses=True, client_name=name))
    yield batches, name
    await batches.aclose()


async def connections_named(redis_url: str, name: str) -> int:
    observer = connect_redis(redis_url, 1.0)
    try:
        clients = await observer.client_list()
    finally:
        await observer.aclose()
    return sum(client.get("name") == name for client in clients)


async def test_commands_of_one_turn_share_one_connection(named, redis_url, redis_prefix):
    batches, name = named
    keys = [f"{redis_prefix}:batch:{n}" for n in range(50)]
    stored = await asyncio.gather(
        *(batches.execute("SET", key, str(n), "PX", 10_000) for n, key in enumerate(keys))
    )
    assert stored == [True] * 50
    assert await asyncio.gather(*(batches.execute("GET", key) for key in keys)) == [str(n) for n in range(50)]
    # sent one by one, fifty concurrent commands open fifty connections
    assert await connections_named(redis_url, name) == 1


async def test_each_command_gets_its_own_answer_or_error(named, redis_prefix):
    batches, _ = named
    text, missing = f"{redis_prefix}:text", f"{redis_prefix}:missing"
    await batches.execute("SET", text, "words", "PX", 10_000)
    answers = await asyncio.gather(
        batches.execute("SET", text, "other", "NX", "PX", 10_000),
        batches.execute("INCR", text),
        batches.execute("GET", missing),
        batches.execute("GET", text),
        return_exceptions=True,
    )
    assert answers[0] is None  # SET NX on a key that exists, as redis-py answers it alone
    assert isinstance(answers[1], redis.exceptions.ResponseError)
    assert answers[2:] == [None, "words"]


async def test_a_lone_command_answers_as_redis_py_does(named, redis_prefix):
    batches, _ = named
    key = f"{redis_prefix}:lone"
    assert await batches.execute("SET", key, "1", "NX", "PX", 10_000) is True
    assert await batches.execute("ZREM", f"{redis_prefix}:nothing", "member") == 0


async def test_a_script_redis_does_not_know_is_loaded(named, redis_prefix):
    batches, _ = named
    # a script text no Redis has seen (SCRIPT FLUSH would empty the cache of every user of this server)
    script = BatchedScript(batches, f"return {{KEYS[1], ARGV[1], '{uuid.uuid4().hex}'}}")
    first, second = await asyncio.gather(
        script([f"{redis_prefix}:k"], ["a"]), script([f"{redis_prefix}:k"], ["b"])
    )
    assert first[:2] == [f"{redis_prefix}:k", "a"]
    assert second[:2] == [f"{redis_prefix}:k", "b"]


async def test_an_unreachable_redis_fails_every_command_of_the_batch(free_port_url):
    batches = CommandBatches(connect_redis(free_port_url, 0.5))
    try:
        answers = await asyncio.gather(
            *(batches.execute("GET", f"k{n}") for n in range(5)), return_exceptions=True
        )
    finally:
        await batches.aclose()
    assert all(isinstance(answer, redis.exceptions.ConnectionError) for answer in answers)


async def test_a_cancelled_caller_leaves_the_others_answered(named, redis_prefix):
    batches, _ = named
    key = f"{redis_prefix}:cancelled"
    await batches.execute("SET", key, "v", "PX", 10_000)
    cancelled = asyncio.ensure_future(batches.execute("GET", key))
    kept = asyncio.ensure_future(batches.execute("GET", key))
    await asyncio.sleep(0)
    cancelled.cancel()
    assert await kept == "v"
    with pytest.raises(asyncio.CancelledError):
        await cancelled


@pytest.fixture
def free_port_url() -> str:
    from spasibo.testing.service import free_port

    return f"redis://127.0.0.1:{free_port()}/0"


def test_commands_are_packed_as_redis_py_packs_them() -> None:
    from redis.asyncio.connection import Connection

    from spasibo.service.redis_batches import pack_commands

    connection = Connection()
    commands = [
        ("SET", "ключ", "❤️ and text", "NX", "PX", 600_000),
        ("EVALSHA", "a" * 40, 2, "k1", "k2", -1, 0, 3.5, b"\x00bytes"),
        ("CONFIG GET", "maxmemory"),
        ("GET", ""),
    ]
    assert pack_commands(commands, connection) == b"".join(connection.pack_commands(commands))
