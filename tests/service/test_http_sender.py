"""HttpReactionSender: error mapping and retries in process; real sends through a `spasibo serve` process."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

import spasibo.phone
from service.support import API_KEY, ServeProcess, running_service
from spasibo import IncomingMessage, ReactionRequest, Spasibo, SpasiboSettings
from spasibo.errors import ConfigError, RateLimitedError
from spasibo.http_sender import (
    CompanyNotServedError,
    GroupSenderUnknownError,
    HttpReactionSender,
    HttpSenderSettings,
    InvalidReactionError,
    ServiceAuthError,
    ServiceInternalError,
    ServiceTimeoutError,
    ServiceUnavailableError,
    phone_of,
)
from spasibo.phone import normalize_phone


def reaction(message_id: str = "3A01", chat: str = "79001234567@s.whatsapp.net", **fields) -> ReactionRequest:
    message = IncomingMessage(
        platform="whatsapp", company_id="default", chat=chat, message_id=message_id, **fields
    )
    return ReactionRequest(message=message, emoji="❤️", transport="http")


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def sender_on(app, *, api_key: str = API_KEY, sleep=None, **settings) -> HttpReactionSender:
    return HttpReactionSender(
        HttpSenderSettings(base_url="http://service", api_key=api_key, **settings),
        transport=httpx.ASGITransport(app=app),
        sleep=sleep if sleep is not None else Sleeps(),
    )


async def test_a_reaction_goes_out_through_the_service() -> None:
    async with running_service() as service:
        sender = sender_on(service.app)
        result = await sender.send(reaction())
        await sender.aclose()
    assert (result.ok, result.transport, result.message_id) == (True, "http", "3A01")
    assert service.sent() == 1


async def test_a_bad_api_key_is_a_service_auth_error() -> None:
    async with running_service() as service:
        sender = sender_on(service.app, api_key="wrong")
        with pytest.raises(ServiceAuthError):
            await sender.send(reaction())
        await sender.aclose()


async def test_a_refused_field_is_an_invalid_reaction_error_naming_it() -> None:
    async with running_service() as service:
        sender = sender_on(service.app)
        with pytest.raises(InvalidReactionError) as raised:
            await sender.send(reaction(message_id=" "))
        await sender.aclose()
    assert (raised.value.status, raised.value.field) == (422, "messageId")


GROUP = "120363025246125888@g.us"
LID = "204586732453953@lid"


@pytest.mark.parametrize(
    ("chat", "sender", "phone"),
    [
        ("79001234567@s.whatsapp.net", None, "+79001234567"),
        (GROUP, "79001234567:3@s.whatsapp.net", "+79001234567"),
        ("8 900 123-45-67", None, "8 900 123-45-67"),
        (GROUP, LID, None),
        (GROUP, "204586732453953:12@lid", None),
        (LID, None, None),
        (LID, LID, None),
    ],
)
def test_phone_of_is_the_phone_jid_or_none_for_a_lid_address(chat, sender, phone) -> None:
    assert phone_of(reaction(chat=chat, sender=sender)) == phone


@pytest.mark.parametrize("region", ["RU", "DE", "US"])
@pytest.mark.parametrize("number", ["79001234567", "9607771234", "4915123456789"])
def test_phone_of_is_read_as_the_customer_in_every_region_of_the_service(number, region) -> None:
    # a JID's user is the E.164 number; bare, the service would read "9607771234" (the Maldives) as Russian
    spasibo.phone._recent.clear()
    posted = phone_of(reaction(chat=f"{number}@s.whatsapp.net"))
    assert posted is not None
    assert normalize_phone(posted, region) == number


@pytest.mark.parametrize(
    ("chat", "sender"), [(GROUP, None), ("status@broadcast", None), (GROUP, "120363025246125999@g.us")]
)
async def test_a_message_that_names_no_customer_is_refused_before_calling_the_service(chat, sender) -> None:
    calls = []
    sender_ = HttpReactionSender(
        HttpSenderSettings(base_url="http://service"), transport=httpx.MockTransport(calls.append)
    )
    with pytest.raises(InvalidReactionError, match="needs the customer's phone or address"):
        await sender_.send(reaction(chat=chat, sender=sender))
    assert calls == []


async def test_a_group_message_from_a_lid_sender_is_posted_without_a_phone() -> None:
    bodies = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={})

    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://service"), transport=httpx.MockTransport(answer)
    )
    assert (await sender.send(reaction(chat=GROUP, sender=LID))).ok
    assert "phone" not in bodies[0]
    assert (bodies[0]["chat"], bodies[0]["sender"]) == (GROUP, LID)


async def test_a_group_message_from_a_lid_sender_goes_out_through_the_service() -> None:
    async with running_service() as service:
        sender = sender_on(service.app)
        result = await sender.send(reaction(chat=GROUP, sender=LID))
        await sender.aclose()
    assert result.ok
    key = service.factory.latest["default"].sent[0][1].reactionMessage.key
    assert (key.remoteJID, key.participant) == (GROUP, LID)


async def test_a_lid_sender_over_its_limit_is_a_rate_limited_error() -> None:
    async with running_service(rate_limit_per_phone_per_minute=1) as service:
        sender = sender_on(service.app)
        await sender.send(reaction("1", chat=GROUP, sender=LID))
        with pytest.raises(RateLimitedError) as raised:
            await sender.send(reaction("2", chat=GROUP, sender=LID))
        await sender.aclose()
    assert raised.value.field == "sender"


@pytest.mark.parametrize(
    ("status", "code", "error_type"),
    [
        (404, "unknown_company", CompanyNotServedError),
        (421, "owned_elsewhere", CompanyNotServedError),
        (409, "unknown_group_message", GroupSenderUnknownError),
        (502, "send_failed", ServiceUnavailableError),
        (500, "internal", ServiceInternalError),
    ],
)
async def test_each_error_answer_becomes_its_reaction_error(status, code, error_type) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"error": {"code": code, "message": "m", "field": None}})

    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://service"), transport=httpx.MockTransport(answer), sleep=Sleeps()
    )
    with pytest.raises(error_type) as raised:
        await sender.send(reaction())
    assert (raised.value.status, raised.value.code) == (status, code)


async def test_a_421_is_followed_once_to_the_owner() -> None:
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == "one":
            return httpx.Response(200, json={})
        error = {"code": "owned_elsewhere", "message": "m", "owner": "one", "ownerUrl": "http://one:8000"}
        return httpx.Response(421, json={"error": error})

    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://two:8000"), transport=httpx.MockTransport(answer)
    )
    assert (await sender.send(reaction())).ok
    assert seen == ["http://two:8000/reaction", "http://one:8000/reaction"]


async def test_an_unknown_company_is_company_not_served() -> None:
    async with running_service(companies=["other"]) as service:
        sender = sender_on(service.app)
        with pytest.raises(CompanyNotServedError):
            await sender.send(reaction())
        await sender.aclose()


async def test_a_rate_limited_reaction_is_a_rate_limited_error_with_the_wait() -> None:
    async with running_service(rate_limit_per_phone_per_minute=1) as service:
        sender = sender_on(service.app)
        await sender.send(reaction("1"))
        with pytest.raises(RateLimitedError) as raised:
            await sender.send(reaction("2"))
        await sender.aclose()
    assert 0 < raised.value.retry_after_s <= 60


async def test_503_is_retried_with_backoff_then_reported() -> None:
    async with running_service() as service:
        service.factory.latest["default"].disconnect_event()
        await asyncio.sleep(0.05)  # the disconnect handler runs
        sleeps = Sleeps()
        sender = sender_on(service.app, sleep=sleeps, retries=3, backoff_base_s=0.5, backoff_max_s=1.0)
        with pytest.raises(ServiceUnavailableError) as raised:
            await sender.send(reaction())
        await sender.aclose()
    assert sleeps == [0.5, 1.0, 1.0]
    assert raised.value.retryable


async def test_4xx_answers_are_not_retried() -> None:
    calls = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            422, json={"error": {"code": "invalid_emoji", "message": "no", "field": "emoji"}}
        )

    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://service"), transport=httpx.MockTransport(answer), sleep=Sleeps()
    )
    with pytest.raises(InvalidReactionError) as raised:
        await sender.send(reaction())
    assert raised.value.field == "emoji"
    assert len(calls) == 1


async def test_an_unreachable_service_is_retried_and_reported_without_the_url_in_production() -> None:
    sleeps = Sleeps()
    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://127.0.0.1:9", retries=2), sleep=sleeps
    )  # port 9 (discard): connection refused
    with pytest.raises(ServiceUnavailableError) as raised:
        await sender.send(reaction())
    await sender.aclose()
    assert len(sleeps) == 2
    assert "127.0.0.1" not in str(raised.value)


async def test_in_development_an_unreachable_service_is_named() -> None:
    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://127.0.0.1:9", retries=0, env="development")
    )
    with pytest.raises(ServiceUnavailableError, match=r"127\.0\.0\.1:9"):
        await sender.send(reaction())
    await sender.aclose()


async def test_a_service_that_does_not_answer_in_time_raises_the_library_timeout_error() -> None:
    async def too_slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://service", timeout_s=0.5), transport=httpx.MockTransport(too_slow)
    )
    with pytest.raises(ServiceTimeoutError, match=r"within 0\.5 s") as raised:
        await sender.send(reaction())
    await sender.aclose()
    assert isinstance(raised.value, ServiceUnavailableError)
    assert "http://service" not in str(raised.value)


async def test_a_failure_of_the_connection_midway_raises_the_library_error() -> None:
    async def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.WriteError("broken pipe", request=request)

    sender = HttpReactionSender(
        HttpSenderSettings(base_url="http://service"), transport=httpx.MockTransport(broken)
    )
    with pytest.raises(ServiceUnavailableError):
        await sender.send(reaction())
    await sender.aclose()


def test_a_bad_transports_table_is_a_config_error_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"\[transports.http\] timeout_s"):
        HttpReactionSender.from_options({"base_url": "http://x", "timeout_s": -1})


async def test_the_proxy_client_sends_through_a_real_spasibo_serve(served: ServeProcess) -> None:
    sender = HttpReactionSender(HttpSenderSettings(base_url=served.url, api_key=API_KEY))
    result = await sender.send(reaction("3A-subprocess"))
    again = await sender.send(reaction("3A-subprocess"))
    await sender.aclose()
    assert result.ok
    assert again.ok
    async with httpx.AsyncClient() as client:
        metrics = (await client.get(f"{served.url}/metrics")).text
    assert 'spasibo_reactions_total{outcome="sent"} 1.0' in metrics  # the repeat was answered, not resent


async def test_transport_http_in_the_settings_sends_through_the_service(served: ServeProcess) -> None:
    settings = SpasiboSettings.model_validate(
        {
            "rules": [{"intent": "gratitude", "react": "❤️", "transport": "http"}],
            "transports": {"http": {"base_url": served.url, "api_key": API_KEY}},
        }
    )
    async with Spasibo(settings) as app:
        outcome = await app.feed(
            IncomingMessage(
                platform="whatsapp",
                company_id="default",
                chat="79001234567@s.whatsapp.net",
                message_id="3A-bot",
                text="Спасибо большое!",
            )
        )
    assert outcome.reacted, outcome.error
    assert outcome.result is not None
    assert outcome.result.transport == "http"


async def sent_count(url: str) -> float:
    async with httpx.AsyncClient() as client:
        metrics = (await client.get(f"{url}/metrics")).text
    line = next(li for li in metrics.splitlines() if li.startswith('spasibo_reactions_total{outcome="sent"}'))
    return float(line.rsplit(" ", 1)[1])


async def test_a_lid_group_sender_is_reacted_to_through_a_real_spasibo_serve(served: ServeProcess) -> None:
    before = await sent_count(served.url)
    sender = HttpReactionSender(HttpSenderSettings(base_url=served.url, api_key=API_KEY))
    result = await sender.send(reaction("3A-lid-subprocess", chat=GROUP, sender=LID))
    again = await sender.send(reaction("3A-lid-subprocess", chat=GROUP, sender=LID))
    await sender.aclose()
    assert result.ok
    assert again.ok
    assert await sent_count(served.url) == before + 1  # the repeat was answered, not resent
