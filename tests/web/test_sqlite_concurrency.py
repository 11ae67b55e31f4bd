"""Many requests at once on the embedded SQLite default: none stalls waiting for the single writer.

Authentication runs in one thread-pool thread and the view in another. If the authentication
left its transaction open, the writer lock would be held while the request waits for a thread,
and with more concurrent requests than threads (40) every thread would wait for the lock until
the busy timeout. This drives well over 40 requests at once through the real app in-process.
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


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[World]:
    yield from build_world(f"sqlite:///{tmp_path / 'kasuhara.db'}", tmp_path)


def test_a_burst_of_reads_and_writes_completes_without_stalling(sqlite_world: World) -> None:
    world = sqlite_world
    statuses: list[int] = []

    async def burst() -> None:
        transport = httpx.ASGITransport(app=world.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:

            async def list_cases() -> None:
                r = await client.get("/api/v1/incidents", headers=world.headers("admin"))
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
                for i in range(120):
                    group.start_soon(report if i % 3 == 0 else list_cases)

    started = time.monotonic()
    # A thread of its own: another test in this worker (Playwright's sync API) may own this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, burst).result(timeout=120)
    elapsed = time.monotonic() - started
    assert len(statuses) == 120
    assert set(statuses) <= {200, 201}, sorted(set(statuses))
    assert elapsed < 20, f"120 concurrent requests took {elapsed:.1f}s: something waited for the writer"
