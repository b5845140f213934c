"""Records and tokens below the reaction: memory records expire without a scan, tokens never repeat."""

from __future__ import annotations

import json
import os

from spasibo.service.idempotency import IdempotencyRecords, MemoryRecords
from spasibo.service.tokens import new_token
from spasibo.testing.whatsapp import ManualClock


async def test_memory_records_expire_as_new_keys_come_in() -> None:
    clock = ManualClock()
    records = MemoryRecords(clock=clock.now)
    for n in range(100):
        assert await records.add(f"short{n}", "pending", 5)
    await records.put("short0", "answered", 60)  # stored again: lives on
    assert await records.add("long", "pending", 60)
    await clock.advance(10)
    assert await records.add("new", "pending", 5)
    assert len(records) == 3  # short0 (stored again), long and new
    assert await records.get("short0") == "answered"
    assert await records.get("short1") is None
    await records.remove_if("long", "pending")
    await clock.advance(100)
    assert await records.add("newer", "pending", 5)
    assert len(records) == 1


async def test_a_record_answers_as_stored_until_it_expires() -> None:
    clock = ManualClock()
    records = MemoryRecords(clock=clock.now)
    assert await records.add("k", "a", 5)
    assert not await records.add("k", "b", 5)
    assert await records.replace_if("k", "a", "c", 5)
    assert not await records.replace_if("k", "a", "d", 5)
    await clock.advance(4)
    assert await records.get("k") == "c"
    await clock.advance(2)
    assert await records.get("k") is None
    assert await records.add("k", "e", 5)


def test_the_pending_record_is_the_json_of_its_fields() -> None:
    token, pending = IdempotencyRecords.pending_record("ab" * 32)
    assert json.loads(pending) == {"pending": token, "fingerprint": "ab" * 32}
    assert pending == json.dumps({"pending": token, "fingerprint": "ab" * 32})


def test_tokens_are_32_hex_digits_and_never_repeat() -> None:
    tokens = [new_token() for _ in range(10_000)]
    assert len(set(tokens)) == len(tokens)
    assert all(len(token) == 32 and int(token, 16) >= 0 for token in tokens)


def test_a_forked_process_draws_tokens_of_its_own() -> None:
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its next token, then out without running the parent's clean-up
        os.write(writing, new_token().encode())
        os._exit(0)
    os.close(writing)
    os.waitpid(child, 0)
    in_child = os.read(reading, 64).decode()
    os.close(reading)
    mine = new_token()
    assert len(in_child) == 32
    assert in_child[:16] != mine[:16]
