"""SIGTERM during load: requests in flight are answered, new ones are refused, none is cut off unanswered.

A connection still waiting in the kernel's listen backlog when the socket closes is reset without an answer
(uvicorn never saw it); the test therefore sends SIGTERM once the service reports every request in flight.
"""

from __future__ import annotations

import asyncio
import json
import signal

import httpx
import pytest

from service.support import API_KEY, start_serve, stop_serve

IN_FLIGHT_REQUESTS = 20
SEND_DELAY_S = 1.5


async def post_one(url: str, number: int) -> str:
    return (await post_answer(url, number))[0]


async def post_answer(url: str, number: int) -> tuple[str, str, str]:
    """The status (or what went wrong), content type and body of one reaction request."""
    # one connection per request, so a refused connection and a cut-off answer are told apart
    async with httpx.AsyncClient(timeout=10.0) as client:
        try:
            response = await client.post(
                f"{url}/reaction",
                json={"phone": f"+7900123{number:04d}", "emoji": "❤️", "messageId": f"3A{number}"},
                headers={"X-API-Key": API_KEY},
            )
        except httpx.ConnectError:
            return "refused", "", ""
        except httpx.TransportError as error:  # the connection was accepted, then dropped: a lost request
            return f"lost: {error!r}", "", ""
        return str(response.status_code), response.headers.get("content-type", ""), response.text


async def until_in_flight(url: str, count: int) -> None:
    """Wait until the service is answering ``count`` reactions (so none is still in the listen backlog)."""
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            text = (await client.get(f"{url}/metrics")).text
            if f"spasibo_reactions_in_flight {float(count)}" in text:
                return
            await asyncio.sleep(0.02)
    raise AssertionError(f"the service never had {count} reactions in flight")


@pytest.mark.slow
async def test_sigterm_answers_every_request_in_flight_then_exits() -> None:
    served = start_serve({"SPASIBO_FAKE_SEND_DELAY_S": str(SEND_DELAY_S), "SPASIBO_SHUTDOWN_DEADLINE_S": "5"})
    try:
        in_flight = [asyncio.create_task(post_one(served.url, n)) for n in range(IN_FLIGHT_REQUESTS)]
        await until_in_flight(served.url, IN_FLIGHT_REQUESTS)
        served.process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.1)
        late = [asyncio.create_task(post_one(served.url, 100 + n)) for n in range(5)]
        answers = await asyncio.gather(*in_flight)
        late_answers = await asyncio.gather(*late)
        exit_code = await asyncio.to_thread(served.process.wait, 10)
        log = served.log()
    finally:
        stop_serve(served)
    assert answers == ["200"] * IN_FLIGHT_REQUESTS, answers
    assert set(late_answers) <= {"refused", "200"}, late_answers
    assert exit_code == -signal.SIGTERM  # uvicorn re-raises the signal once it has shut down
    assert "Application shutdown complete" in log  # the lifespan end ran: pool shut down, leases released


@pytest.mark.slow
async def test_sends_that_outlast_the_deadline_are_answered_502_with_the_json_error_shape() -> None:
    deadline_s, send_delay_s, requests = 1.0, 4.0, 5
    served = start_serve(
        {"SPASIBO_FAKE_SEND_DELAY_S": str(send_delay_s), "SPASIBO_SHUTDOWN_DEADLINE_S": str(deadline_s)}
    )
    try:
        in_flight = [asyncio.create_task(post_answer(served.url, n)) for n in range(requests)]
        await until_in_flight(served.url, requests)
        served.process.send_signal(signal.SIGTERM)
        started = asyncio.get_running_loop().time()
        answers = await asyncio.gather(*in_flight)
        answered_after_s = asyncio.get_running_loop().time() - started
        exit_code = await asyncio.to_thread(served.process.wait, 10)
    finally:
        stop_serve(served)
    for status, content_type, body in answers:
        assert (status, content_type) == ("502", "application/json"), (status, body)
        assert json.loads(body)["error"]["code"] == "send_failed"
    assert answered_after_s < send_delay_s  # answered at the deadline, not when the sends would have ended
    assert exit_code == -signal.SIGTERM
