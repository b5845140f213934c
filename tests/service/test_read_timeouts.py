"""Requests that trickle in are timed out, against a real ``spasibo serve`` (issue 13, item 12): a slow body
is answered 408 and closed, slow headers are closed, and the descriptors they held are given back.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from service.support import API_KEY, ServeProcess, start_serve, stop_serve

READ_TIMEOUT_S = 1.0
WAIT_S = READ_TIMEOUT_S + 4.0  # the server's own deadline, plus slack for a busy machine


@pytest.fixture(scope="module")
def strict() -> Iterator[ServeProcess]:
    process = start_serve({"SPASIBO_REQUEST_READ_TIMEOUT_S": str(READ_TIMEOUT_S)})
    yield process
    stop_serve(process)


def connect(served: ServeProcess) -> socket.socket:
    address = urlsplit(served.url)
    sock = socket.create_connection((address.hostname, address.port), timeout=WAIT_S)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def headers_of_a_reaction(length: int) -> bytes:
    return (
        f"POST /reaction HTTP/1.1\r\nHost: spasibo\r\nX-API-Key: {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def open_descriptors(served: ServeProcess) -> int:
    return len(os.listdir(f"/proc/{served.process.pid}/fd"))


def test_a_body_that_trickles_in_is_answered_408_and_the_connection_closed(strict: ServeProcess) -> None:
    with connect(strict) as sock:
        sock.sendall(headers_of_a_reaction(100) + b'{"phone": ')
        started = time.monotonic()
        answer = read_until_closed(sock)
        waited_s = time.monotonic() - started
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(body)["error"]["code"] == "body_timeout"
    assert READ_TIMEOUT_S * 0.9 <= waited_s < WAIT_S


def test_headers_that_trickle_in_get_the_connection_closed(strict: ServeProcess) -> None:
    with connect(strict) as sock:
        sock.sendall(b"POST /reaction HTTP/1.1\r\nHost: spa")
        started = time.monotonic()
        assert read_until_closed(sock) == b""
        assert time.monotonic() - started < WAIT_S


def test_half_sent_requests_give_their_descriptors_back(strict: ServeProcess) -> None:
    before = open_descriptors(strict)
    clients = [connect(strict) for _ in range(100)]
    for number, sock in enumerate(clients):
        sock.sendall(headers_of_a_reaction(100) if number % 2 else b"POST /reaction HTTP/1.1\r\n")
    time.sleep(0.5)
    assert open_descriptors(strict) >= before + 90  # the server holds them now
    for sock in clients:
        read_until_closed(sock)
        sock.close()
    deadline = time.monotonic() + WAIT_S
    while open_descriptors(strict) > before + 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert open_descriptors(strict) <= before + 5


def test_a_request_sent_at_once_is_answered_as_usual(strict: ServeProcess) -> None:
    body = json.dumps({"phone": "79001234567", "emoji": "❤️", "messageId": "3AQUICK"}).encode()
    with connect(strict) as sock:
        sock.sendall(headers_of_a_reaction(len(body)) + body)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
