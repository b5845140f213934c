"""The OpenAPI document matches the behaviour: generated requests against `spasibo serve` (schemathesis)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.support import API_KEY, ServeProcess, start_serve, stop_serve

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


MAX_EXAMPLES_PER_OPERATION = 50


TENANT_KEY = "tenant-key"  # bound to company "default": every other company is a documented 403


@pytest.fixture(scope="module")
def served() -> Iterator[ServeProcess]:
    """``spasibo serve`` with an admin key and a key bound to one company."""
    process = start_serve({"SPASIBO_API_KEYS": f"{API_KEY}:*,{TENANT_KEY}:default"})
    yield process
    stop_serve(process)


@pytest.mark.slow
@pytest.mark.parametrize("key", [API_KEY, TENANT_KEY])
def test_generated_requests_get_documented_answers_and_no_5xx(served: ServeProcess, key: str) -> None:
    schema = schemathesis.openapi.from_url(f"{served.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case) -> None:
            case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

        answers_as_documented()


def test_every_reaction_error_answer_is_documented(served: ServeProcess) -> None:
    document = httpx.get(f"{served.url}/openapi.json").json()
    responses = document["paths"]["/reaction"]["post"]["responses"]
    documented = {"200", "401", "403", "404", "408", "409", "413", "421", "422", "429", "500", "503"}
    assert documented <= set(responses)
    assert "Retry-After" in responses["429"]["headers"]
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorAnswer")


def test_the_gateway_endpoints_are_documented(served: ServeProcess) -> None:
    paths = httpx.get(f"{served.url}/openapi.json").json()["paths"]
    assert "get" in paths["/events/dead-letters"]
    assert "post" in paths["/fake/messages"]  # served with --fake-whatsapp, so the inject endpoint is there
