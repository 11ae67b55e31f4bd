"""300 requests at once, on SQLite and PostgreSQL: every one succeeds, none waits for a connection.

Authentication runs in one thread-pool thread and the view in another. If authentication kept
its connection checked out across that hop, more waiting requests than pooled connections would
leave every thread waiting for a connection that only a waiting request could give back: on
PostgreSQL the pool timed out after 30 s and answered 500 ("QueuePool limit ... reached").
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import httpx
import pytest
from casefile_world import World, build_world

REQUESTS = 300


@pytest.fixture
def busy_world(db_url: str, tmp_path: Path) -> Iterator[World]:
    yield from build_world(db_url, tmp_path)


@pytest.fixture
def live_url(busy_world: World) -> Iterator[str]:
    import socket
    import threading

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(busy_world.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off", backlog=1024))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_300_concurrent_reads_and_writes_all_succeed(busy_world: World, live_url: str) -> None:
    world = busy_world
    statuses: list[int] = []

    async def burst() -> None:
        limits = httpx.Limits(max_connections=REQUESTS, max_keepalive_connections=REQUESTS)
        async with httpx.AsyncClient(base_url=live_url, timeout=120, limits=limits) as client:

            async def list_sites() -> None:
                r = await client.get("/api/v1/sites", headers=world.headers("admin"))
                statuses.append(r.status_code)

            async def report() -> None:
                r = await client.post(
                    "/api/v1/incidents",
                    headers=world.headers("staff"),
                    json={"site_id": world.site_a, "occurred_at": "2026-11-20T10:00:00+09:00",
                          "channel": "phone", "title": "同時の報告"},
                )
                statuses.append(r.status_code)

            async with anyio.create_task_group() as group:
                for i in range(REQUESTS):
                    group.start_soon(report if i % 2 == 0 else list_sites)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, burst).result(timeout=180)
    elapsed = time.monotonic() - started
    assert len(statuses) == REQUESTS
    assert set(statuses) <= {200, 201}, {s: statuses.count(s) for s in set(statuses)}
    assert elapsed < 25, f"{REQUESTS} concurrent requests took {elapsed:.1f}s: something waited for a connection"
