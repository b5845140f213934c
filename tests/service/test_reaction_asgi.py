"""The served ``POST /reaction`` (``routes/reaction_asgi.py``) answers exactly as the FastAPI route does.

Each table runs twice on fresh, identical services: once through the app as served, once through FastAPI's
own middleware stack and route (``FastAPI.__call__``, which the shortcut skips). Status, headers and body
bytes must be equal request by request, so the order of the checks (size, JSON, key, header, body), the fields
named and what production mode hides are FastAPI's.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from service.support import API_KEY, Service, running_service
from spasibo.service.app import ServiceApp

TENANT_KEY = "tenant-key"  # may act for company "default" only
JSON = {"Content-Type": "application/json"}
GOOD = {"phone": "+7 900 123-45-67", "emoji": "❤️", "messageId": "3A01"}

Answer = tuple[int, list[tuple[str, str]], bytes]
Sent = tuple[dict[str, str], bytes]  # a request's headers and body


def body(**fields: Any) -> bytes:
    """A JSON body: ``GOOD`` with ``fields`` overridden (None removes a field)."""
    return json.dumps({k: v for k, v in {**GOOD, **fields}.items() if v is not None}).encode()


def keyed(headers: dict[str, str], content: bytes) -> Sent:
    return {"X-API-Key": API_KEY, **JSON, **headers}, content


# (headers, body bytes): every row is answered by both; rows share state (replays, limits) in order
TABLE: list[Sent] = [
    keyed({}, body()),
    keyed({}, body()),  # a replay
    keyed({}, body(emoji="")),  # a change of state on the same message
    keyed({}, body(phone="8 (900) 765-43-21", messageId="3A02", emoji="👍")),
    ({**JSON}, body()),
    ({**JSON, "X-API-Key": "wrong"}, body()),
    ({**JSON, "X-API-Key": ""}, body()),
    ({**JSON, "X-API-Key": "wrong"}, b"{phone:"),  # malformed JSON is refused before the key
    ({**JSON, "X-API-Key": "wrong", "Idempotency-Key": ""}, body()),
    keyed({"Idempotency-Key": ""}, body()),
    keyed({"Idempotency-Key": "k" * 201}, body()),
    keyed({"Idempotency-Key": ""}, b'{"emoji": 5}'),  # the header before the body
    keyed({"Idempotency-Key": "k" * 200}, body(messageId="3A03")),
    keyed({"Idempotency-Key": "k" * 200}, body(messageId="3A04")),  # the key reused for another body
    keyed({}, b"{phone:"),
    keyed({}, b'"\xff"'),  # not text: FastAPI's 400
    keyed({}, b""),
    keyed({}, b"[]"),
    keyed({}, b"null"),
    keyed({}, b'"x"'),
    keyed({}, b"1"),
    keyed({}, b'{"phone": NaN, "emoji": "x", "messageId": "1"}'),
    keyed({}, b'{"phone": "+79001234567", "emoji": "\xe2\x9d\xa4", "messageId": "\\ud800"}'),
    keyed({}, b'{"phone": "+79001234567", "phone": 5, "emoji": "x", "messageId": "1"}'),
    ({"X-API-Key": API_KEY}, body(messageId="3A05")),  # no content type: the body is not read as JSON
    keyed({"Content-Type": "text/plain"}, body(messageId="3A06")),
    keyed(
        {"Content-Type": "application/json; charset=utf-8"}, body(phone="+7 900 000-00-01", messageId="3A07")
    ),
    keyed(
        {"Content-Type": "application/vnd.reaction+json"}, body(phone="+7 900 000-00-02", messageId="3A08")
    ),
    keyed({"Content-Type": "Application/JSON"}, body(phone="+7 900 000-00-03", messageId="3A09")),
    keyed({}, body(phone=None)),
    keyed({}, body(messageId=None)),
    keyed({}, body(emoji=None, messageId=None)),
    keyed({}, body(phone="12")),
    keyed({}, body(phone=79001234567)),
    keyed({}, body(emoji="thanks")),
    keyed({}, body(emoji=["❤️"])),
    keyed({}, body(messageId="")),
    keyed({}, body(messageId="   ")),
    keyed({}, body(companyId="")),
    keyed({}, body(companyId="no spaces")),
    keyed({}, body(companyId="nobody")),
    keyed({}, body(messageID="3A")),
    keyed({}, body(fromMe="yes")),
    keyed({}, body(fromMe=True, messageId="3A10", phone="+7 900 000-00-04")),
    keyed({}, body(phone=None, chat="120363025246125888@g.us", messageId="3A11")),
    keyed({}, body(chat="120363025246125888@g.us", messageId="3A12")),
    keyed({}, body(chat="120363025246125888@g.us", sender="79000000005@s.whatsapp.net", messageId="3A13")),
    keyed({}, body(phone=None, chat="not a jid")),
    keyed({}, body(phone=None, chat="12345@lid", messageId="3A14")),
    keyed({"X-API-Key": TENANT_KEY}, body(companyId="other", messageId="3A15")),
    keyed({"X-API-Key": TENANT_KEY}, body(phone="+7 900 000-00-06", messageId="3A16")),
    *[keyed({}, body(phone="+7 900 555-00-00", messageId=f"L{n}")) for n in range(4)],  # over the limit
    keyed({}, b"x" * 20_000),  # over max_body_bytes
]


def fastapi_route(app: ServiceApp) -> Callable[..., Awaitable[None]]:
    """The app as FastAPI alone would serve it: its middleware stack and the declared route."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        await FastAPI.__call__(app, scope, receive, send)

    return asgi


async def answers(
    requests: list[Sent],
    *,
    through_fastapi: bool,
    prepare: Callable[[Service], None] | None = None,
    **settings: Any,
) -> list[Answer]:
    """What a fresh service answers to ``requests``, in order, served as is or through FastAPI's route."""
    async with running_service(
        api_keys=[f"{API_KEY}:*", f"{TENANT_KEY}:default"], rate_limit_per_phone_per_minute=3, **settings
    ) as service:
        if prepare is not None:
            prepare(service)
        assert isinstance(service.app, ServiceApp)
        app = fastapi_route(service.app) if through_fastapi else service.app
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            result = []
            for headers, content in requests:
                response = await client.post("/reaction", content=content, headers=headers)
                result.append((response.status_code, response.headers.multi_items(), response.content))
            return result


async def assert_same_answers(requests: list[Sent], **options: Any) -> list[Answer]:
    served = await answers(requests, through_fastapi=False, **options)
    declared = await answers(requests, through_fastapi=True, **options)
    for request, mine, fastapis in zip(requests, served, declared, strict=True):
        assert mine == fastapis, request
    return served


async def test_every_answer_of_the_table_is_the_fastapi_routes() -> None:
    served = await assert_same_answers(TABLE)
    statuses = {status for status, _, _ in served}
    assert {200, 400, 401, 403, 404, 409, 413, 422, 429} <= statuses  # the table reaches every check


def _broken_send(service: Service) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret at /srv/internal")

    service.pool.send_reaction = broken  # type: ignore[method-assign]


def _refusing_whatsapp(service: Service) -> None:
    service.factory.latest["default"].send_error = "server refused at 10.0.0.7"


@pytest.mark.parametrize("env", ["production", "development"])
@pytest.mark.parametrize("prepare", [_broken_send, _refusing_whatsapp])
async def test_failures_are_answered_as_the_fastapi_route_answers_them(
    env: str, prepare: Callable[[Service], None]
) -> None:
    served = await assert_same_answers([keyed({}, body())], prepare=prepare, env=env)
    assert served[0][0] in (500, 502)


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/reaction"), ("PUT", "/reaction"), ("POST", "/reaction/")]
)
async def test_what_the_shortcut_does_not_take_fastapi_answers(
    service: Service, method: str, path: str
) -> None:
    response = await service.client.request(method, path, content=body(), headers=JSON)
    assert response.status_code in (307, 405)
    assert isinstance(service.app, ServiceApp)
    transport = httpx.ASGITransport(app=fastapi_route(service.app))
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        declared = await client.request(method, path, content=body(), headers={"X-API-Key": API_KEY, **JSON})
    assert (response.status_code, response.headers.multi_items(), response.content) == (
        declared.status_code,
        declared.headers.multi_items(),
        declared.content,
    )
