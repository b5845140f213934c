"""``HttpReactionSender``: the ``http`` transport, which sends a bot's reactions through ``spasibo serve``.

The bot process keeps no WhatsApp session; the service does. Connection failures and 503 answers are retried
with exponential backoff (the service answers a repeated (company, message, emoji) once, so a retry never
sends twice); a 421 answer is followed once to the owning instance's URL; every other error answer becomes a
``ReactionError`` subclass named for what went wrong. In production the messages name neither the URL nor
the exception. Needs only the light ``http`` extra (httpx), not the service's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spasibo.errors import ConfigError, RateLimitedError, ReactionError
from spasibo.extras import missing_extra

try:
    import httpx
except ModuleNotFoundError as _error:
    raise missing_extra(_error, "HttpReactionSender (the http transport)") from None

from spasibo.models import ReactionRequest, ReactionResult
from spasibo.phone import e164

TRANSPORT_NAME = "http"
Sleep = Callable[[float], Awaitable[None]]
_RETRY_STATUS = 503
# a connection refused, or closed before an answer (e.g. reset in a stopping server's backlog); repeats are
# idempotent at the service, so retrying is safe. Read timeouts are not retried: timeout_s is the budget.
_CONNECTION_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError)
# JID servers, as plain strings: the bot process of the http transport need not have neonize installed
_PHONE_SERVERS = ("", "s.whatsapp.net", "c.us")
_GROUP_SERVER = "g.us"
_LID_SERVER = "lid"


class HttpSenderSettings(BaseModel):
    """The ``[transports.http]`` table: where the service is, the key, and how patiently to call it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(pattern=r"^https?://")
    api_key: str | None = None
    timeout_s: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0)  # extra attempts after a connection error or a 503
    backoff_base_s: float = Field(default=0.5, ge=0)
    backoff_max_s: float = Field(default=5.0, ge=0)
    env: Literal["production", "development"] = "production"


class HttpReactionError(ReactionError):
    """The service did not send the reaction; ``status``/``code``/``field`` come from its answer if any."""

    status: int | None = None
    code: str | None = None
    field: str | None = None


class ServiceAuthError(HttpReactionError):
    """The service refused the API key (401): check ``[transports.http] api_key``."""


class InvalidReactionError(HttpReactionError, ValueError):
    """The service refused the request's content (422, 413); ``field`` names the field."""


class CompanyNotServedError(HttpReactionError, LookupError):
    """No session for the company here (404) or it is served by another instance (421, ``owner``)."""

    owner: str | None = None


class GroupSenderUnknownError(HttpReactionError):
    """A group message the service has not seen and no ``sender`` was given (409)."""


class ServiceUnavailableError(HttpReactionError):
    """The service is unreachable or the session cannot send now (503, 502, 504); try again later."""

    retryable = True
    retry_after_s: float | None = None


class ServiceTimeoutError(ServiceUnavailableError, TimeoutError):
    """The service did not answer within ``timeout_s`` (the reaction may or may not have gone out; a retry
    is safe, the service answers a repeat once).
    """


class ServiceRateLimitedError(HttpReactionError, RateLimitedError):
    """The service refused for rate (429); try again after ``retry_after_s``."""


class ServiceInternalError(HttpReactionError):
    """The service failed unexpectedly (500)."""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def phone_of(request: ReactionRequest) -> str | None:
    """The customer's phone for the service: the user part of the first phone JID among sender and chat, in
    E.164 with its ``+`` (a JID's user is the number's digits, which the service's default region may read
    as a national number); a chat given as a bare phone number is passed on as it was written.

    None for a group message whose sender is a privacy address (``…@lid``), or a direct chat with one: the
    service then names the customer by that address. Raises ``InvalidReactionError`` when nothing names the
    customer (a group message without a person as its sender, a broadcast list).
    """
    message = request.message
    for jid in (message.sender, message.chat):
        user, _, server = (jid or "").partition("@")
        if user and server in _PHONE_SERVERS:
            number = user.split(":")[0]
            return e164(number) if server else number
    sender_server = (message.sender or "").rpartition("@")[2]
    chat_server = message.chat.rpartition("@")[2]
    if chat_server == _LID_SERVER or (chat_server == _GROUP_SERVER and sender_server == _LID_SERVER):
        return None
    raise InvalidReactionError(
        f"message {message.message_id!r}: the http transport needs the customer's phone or address (a "
        f"direct chat, or a group message's sender), but chat {message.chat!r} and sender "
        f"{message.sender!r} name neither"
    )


class HttpReactionSender:
    """Sends reactions through the reaction service; use it with ``transport = "http"`` in the rules.

    ``[transports.http]`` gives ``base_url`` and ``api_key`` (see ``HttpSenderSettings``). ``transport``
    (an ``httpx`` transport) and ``sleep`` are injectable for tests. Call ``aclose()`` when done (the app
    does it for transports it built).
    """

    name = TRANSPORT_NAME

    def __init__(
        self,
        settings: HttpSenderSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        headers = {"X-API-Key": settings.api_key} if settings.api_key else {}
        self._http = httpx.AsyncClient(
            base_url=settings.base_url, headers=headers, timeout=settings.timeout_s, transport=transport
        )

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Self:
        """Build it from its ``[transports.http]`` table; a bad key is a ``ConfigError`` naming it."""
        try:
            return cls(HttpSenderSettings.model_validate(dict(options)))
        except ValidationError as error:
            first = error.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            raise ConfigError(f"[transports.http] {key}: {first['msg']}") from None

    async def send(self, request: ReactionRequest) -> ReactionResult:
        """Post the reaction to ``/reaction``; return the result or raise an ``HttpReactionError``."""
        message = request.message
        phone = phone_of(request)
        body = {
            **({"phone": phone} if phone is not None else {}),
            "emoji": request.emoji,
            "messageId": message.message_id,
            "companyId": message.company_id,
            "chat": message.chat,
            "sender": message.sender,
        }
        response = await self._post(self.settings.base_url, body)
        if response.status_code == 421:  # another instance owns the company: follow once
            owner_url = response.json().get("error", {}).get("ownerUrl")
            if owner_url:
                response = await self._post(owner_url, body)
        if response.status_code == 200:
            return ReactionResult(
                ok=True, transport=self.name, emoji=request.emoji, message_id=message.message_id
            )
        raise self._error(response)

    async def _post(self, base_url: str, body: dict[str, Any]) -> httpx.Response:
        url = base_url.rstrip("/") + "/reaction"
        attempt = 0
        while True:
            try:
                response = await self._http.post(url, json=body)
            except _CONNECTION_ERRORS as error:
                if attempt >= self.settings.retries:
                    raise self._unreachable(error) from None
            except httpx.TimeoutException as error:  # the answer did not come within timeout_s: no retry
                raise self._timed_out(error) from None
            except httpx.HTTPError as error:  # any other transport failure is the library's error too
                raise self._unreachable(error) from None
            else:
                if response.status_code != _RETRY_STATUS or attempt >= self.settings.retries:
                    return response
            attempt += 1
            await self._sleep(
                min(self.settings.backoff_max_s, self.settings.backoff_base_s * 2 ** (attempt - 1))
            )

    def _unreachable(self, error: httpx.HTTPError) -> ServiceUnavailableError:
        if self.settings.env == "production":
            return ServiceUnavailableError("the reaction service is unreachable")
        return ServiceUnavailableError(
            f"the reaction service at {self.settings.base_url} is unreachable: {error!r}"
        )

    def _timed_out(self, error: httpx.TimeoutException) -> ServiceTimeoutError:
        budget = f"within {self.settings.timeout_s:g} s"
        if self.settings.env == "production":
            return ServiceTimeoutError(f"the reaction service did not answer {budget}")
        return ServiceTimeoutError(
            f"the reaction service at {self.settings.base_url} did not answer {budget}: {error!r}"
        )

    def _error(self, response: httpx.Response) -> HttpReactionError:
        try:
            detail = response.json().get("error", {})
        except ValueError:
            detail = {}
        status = response.status_code
        code = detail.get("code")
        text = str(detail.get("message") or f"the reaction service answered {status}")
        error: HttpReactionError
        if status == 429:
            error = ServiceRateLimitedError(text, retry_after_s=_retry_after(response) or 60.0)
        elif status in (422, 413):
            error = InvalidReactionError(text)
        elif status == 401:
            error = ServiceAuthError("the reaction service refused the API key ([transports.http] api_key)")
        elif status == 403:  # a valid key not bound to this company (SPASIBO_API_KEYS on the service)
            error = ServiceAuthError(text)
        elif status in (404, 421):
            error = CompanyNotServedError(text)
            error.owner = detail.get("owner")
        elif status == 409 and code == "unknown_group_message":
            error = GroupSenderUnknownError(text)
        elif status in (502, 503, 504):
            error = ServiceUnavailableError(text)
            error.retry_after_s = _retry_after(response)
        else:
            error = ServiceInternalError(
                text
                if status < 500 or self.settings.env != "production"
                else f"the reaction service failed ({status})"
            )
        error.status, error.code, error.field = status, code, detail.get("field")
        return error

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()
