"""A login flood queues behind itself: other requests keep being served while it is hashed.

Logins wait for one of `max_concurrent_logins` places before they take a database session, so a
burst of logins (each a real argon2 hash here) cannot occupy the session gate or the workers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import httpx
import pytest
from argon2 import PasswordHasher
from casefile_world import World, build_world

from kasuhara.services import auth


@pytest.fixture
def flood_world(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    worlds = build_world(db_url, tmp_path, max_concurrent_logins=1, login_max_failures=1000,
                         login_source_max_failures=1000, login_pow_after_failures=1000)
    world = next(worlds)
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1))
    yield world
    worlds.close()


def test_reads_are_served_while_a_login_flood_waits_for_its_turn(flood_world: World) -> None:
    world = flood_world
    done: dict[str, list[float]] = {"login": [], "read": []}

    async def burst() -> None:
        transport = httpx.ASGITransport(app=world.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=120) as client:
            started = time.monotonic()

            async def login(i: int) -> None:
                r = await client.post("/api/v1/auth/login", json={"email": f"nobody{i}@example.jp", "password": "x"})
                assert r.status_code == 401
                done["login"].append(time.monotonic() - started)

            async def read() -> None:
                await anyio.sleep(0.2)
                r = await client.get("/api/v1/sites", headers=world.headers("admin"))
                assert r.status_code == 200
                done["read"].append(time.monotonic() - started)

            async with anyio.create_task_group() as group:
                for i in range(40):
                    group.start_soon(login, i)
                for _ in range(20):
                    group.start_soon(read)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, burst).result(timeout=300)
    assert len(done["login"]) == 40 and len(done["read"]) == 20
    assert max(done["read"]) < sorted(done["login"])[9], (max(done["read"]), sorted(done["login"]))
