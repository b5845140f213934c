"""The service, not the pool, decides the HTTP status of each pool error."""

from __future__ import annotations

import inspect

import pytest

from spasibo.service.statuses import STATUS_OF_POOL_ERROR, status_of
from spasibo.whatsapp import errors as pool_errors

POOL_ERRORS = [
    cls
    for _, cls in inspect.getmembers(pool_errors, inspect.isclass)
    if issubclass(cls, pool_errors.WhatsAppError) and cls.__module__ == pool_errors.__name__
]


def make(cls: type[pool_errors.WhatsAppError]) -> pool_errors.WhatsAppError:
    if cls is pool_errors.SessionNotConnectedError:
        return cls("x", state="pairing")
    if cls is pool_errors.CircuitOpenError:
        return cls("x", retry_after_s=1.0)
    return cls("x")


@pytest.mark.parametrize(
    ("cls", "status"),
    [
        (pool_errors.InvalidChatError, 422),
        (pool_errors.InvalidPhoneError, 422),
        (pool_errors.UnknownCompanyError, 404),
        (pool_errors.UnknownGroupMessageError, 409),
        (pool_errors.SessionNotConnectedError, 503),
        (pool_errors.CircuitOpenError, 503),
        (pool_errors.SendFailedError, 502),
        (pool_errors.PairingTimeoutError, 504),
    ],
)
def test_pool_error_answers_its_mapped_status(cls, status):
    assert status_of(make(cls)) == status


def test_every_pool_error_class_has_a_deliberate_status():
    unmapped = [cls.__name__ for cls in POOL_ERRORS if status_of(make(cls)) == 500]
    assert unmapped == ["WhatsAppError"]


def test_pool_errors_carry_no_http_status_of_their_own():
    assert not [cls.__name__ for cls in POOL_ERRORS if "http_status" in vars(cls)]
    assert all(cls.__module__ == pool_errors.__name__ for cls in STATUS_OF_POOL_ERROR)
