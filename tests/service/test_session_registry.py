"""Sessions added through the API survive a restart: kept in a file, or in Redis when configured (issue 13,
item 12).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from service.support import running_service


def companies_of(service) -> list[str]:
    return [info.company_id for info in service.pool.sessions()]


async def test_a_session_added_through_the_api_is_restored_at_start_up(tmp_path: Path) -> None:
    registry = str(tmp_path / "sessions.json")
    async with running_service(session_registry_path=registry) as service:
        assert (await service.client.post("/sessions", json={"companyId": "acme"})).status_code == 201
    async with running_service(session_registry_path=registry) as restarted:
        assert companies_of(restarted) == ["acme", "default"]
        assert (await restarted.react(companyId="acme")).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"), [("DELETE", "/sessions/acme"), ("POST", "/sessions/acme/logout")]
)
async def test_a_session_removed_through_the_api_stays_removed_after_a_restart(
    tmp_path: Path, method: str, path: str
) -> None:
    registry = str(tmp_path / "sessions.json")
    async with running_service(session_registry_path=registry) as service:
        await service.client.post("/sessions", json={"companyId": "acme"})
        assert (await service.client.request(method, path)).status_code == 200
    async with running_service(session_registry_path=registry) as restarted:
        assert companies_of(restarted) == ["default"]


async def test_the_registry_file_lists_the_added_companies(tmp_path: Path) -> None:
    registry = tmp_path / "state" / "sessions.json"
    async with running_service(session_registry_path=str(registry)) as service:
        await service.client.post("/sessions", json={"companyId": "globex"})
        await service.client.post("/sessions", json={"companyId": "acme"})
    assert json.loads(registry.read_text()) == {"companies": ["acme", "globex"]}


async def test_an_unreadable_registry_file_is_logged_and_the_service_starts(tmp_path: Path, caplog) -> None:
    registry = tmp_path / "sessions.json"
    registry.write_text("{not json")
    async with running_service(session_registry_path=str(registry)) as service:
        assert companies_of(service) == ["default"]
    assert "unreadable" in caplog.text


@pytest.mark.redis
async def test_with_redis_a_company_added_on_one_instance_is_taken_over_by_another(
    redis_url: str, redis_prefix: str
) -> None:
    shared = {"redis_url": redis_url, "redis_key_prefix": redis_prefix, "companies": []}
    leases = {"lease_ttl_s": 1.0, "lease_renew_interval_s": 0.2}
    async with running_service(instance_id="two", **shared, **leases) as standby:
        async with running_service(instance_id="one", **shared, **leases) as owner:
            assert (await owner.client.post("/sessions", json={"companyId": "acme"})).status_code == 201
        # the owner stopped: the registry in Redis tells the other instance the company exists
        for _ in range(50):
            if "acme" in companies_of(standby):
                break
            await asyncio.sleep(0.1)
        assert (await standby.react(companyId="acme")).status_code == 200
