"""The HTTP status the service answers for each of the pool's errors (the pool knows nothing of HTTP)."""

from __future__ import annotations

from http import HTTPStatus

from spasibo.whatsapp import errors as pool_errors

# the most specific class in an error's MRO decides; WhatsAppError itself (anything unforeseen) is a 500
STATUS_OF_POOL_ERROR: dict[type[pool_errors.WhatsAppError], HTTPStatus] = {
    pool_errors.InvalidInputError: HTTPStatus.UNPROCESSABLE_ENTITY,
    pool_errors.UnknownCompanyError: HTTPStatus.NOT_FOUND,
    pool_errors.UnknownGroupMessageError: HTTPStatus.CONFLICT,
    pool_errors.SessionExistsError: HTTPStatus.CONFLICT,
    pool_errors.PairingFailedError: HTTPStatus.CONFLICT,
    pool_errors.PoolFullError: HTTPStatus.SERVICE_UNAVAILABLE,
    pool_errors.PoolClosedError: HTTPStatus.SERVICE_UNAVAILABLE,
    pool_errors.SessionNotConnectedError: HTTPStatus.SERVICE_UNAVAILABLE,
    pool_errors.CircuitOpenError: HTTPStatus.SERVICE_UNAVAILABLE,
    pool_errors.SendFailedError: HTTPStatus.BAD_GATEWAY,
    pool_errors.LogoutFailedError: HTTPStatus.BAD_GATEWAY,
    pool_errors.PairingTimeoutError: HTTPStatus.GATEWAY_TIMEOUT,
    pool_errors.WhatsAppError: HTTPStatus.INTERNAL_SERVER_ERROR,
}


def status_of(error: pool_errors.WhatsAppError) -> int:
    """The status for ``error``: that of the nearest class of its MRO in ``STATUS_OF_POOL_ERROR``."""
    for cls in type(error).__mro__:
        status = STATUS_OF_POOL_ERROR.get(cls)
        if status is not None:
            return int(status)
    return int(HTTPStatus.INTERNAL_SERVER_ERROR)
