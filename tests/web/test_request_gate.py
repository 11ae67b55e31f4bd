"""Nobody stops the service from outside with a body: caps per route, authentication before reading.

Driven through httpx's ASGI transport, which hands the body to the app chunk by chunk as the app
asks for it, so the tests can see how much of a body the server read before answering.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from casefile_world import World, build_world

CHUNK = 1024 * 1024


@pytest.fixture
def gate_world(db_url: str, tmp_path: Path) -> Iterator[World]:
    yield from build_world(db_url, tmp_path, max_upload_bytes=5 * CHUNK)


class Body:
    """A chunked body of `total` bytes that counts what the server pulled."""

    def __init__(self, total: int, prefix: bytes = b"") -> None:
        self.total, self.prefix, self.sent = total, prefix, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.prefix:
            self.sent += len(self.prefix)
            yield self.prefix
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"a" * CHUNK


def _call(world: World, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=world.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
            return await client.request(method, url, **kwargs)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, go).result(timeout=120)


def test_an_unauthenticated_upload_is_refused_before_its_body_is_read(gate_world: World) -> None:
    body = Body(1024 * CHUNK)  # 1 GB, chunked (no Content-Length)
    r = _call(gate_world, "POST", f"/api/v1/incidents/{gate_world.incident_a}/evidence", content=body,
              headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 401
    assert body.sent <= 2 * CHUNK, f"the server read {body.sent} bytes before refusing"
    spooled = [p for p in Path(gate_world.settings.data_dir).rglob("*") if p.is_file() and p.stat().st_size > CHUNK]
    assert spooled == []


def test_a_bad_token_is_refused_before_the_body_too(gate_world: World) -> None:
    body = Body(64 * CHUNK)
    r = _call(gate_world, "POST", f"/api/v1/incidents/{gate_world.incident_a}/evidence", content=body,
              headers={"Content-Type": "multipart/form-data; boundary=x", "Authorization": "Bearer ksh_nope"})
    assert r.status_code == 401 and body.sent <= 2 * CHUNK


def test_an_announced_oversized_json_body_to_login_is_a_413_at_once(gate_world: World) -> None:
    r = gate_world.client.post("/api/v1/auth/login", content=b"{" + b" " * (200 * CHUNK) + b"}",
                               headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["msg_ja"] and r.json()["msg_en"]


def test_a_chunked_oversized_json_body_is_cut_at_the_cap(gate_world: World) -> None:
    body = Body(200 * CHUNK, prefix=b'{"email": "')
    r = _call(gate_world, "POST", "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert body.sent <= 2 * CHUNK
    body = Body(50 * CHUNK, prefix=b'{"title": "')
    r = _call(gate_world, "POST", "/api/v1/incidents", content=body,
              headers={"Content-Type": "application/json", **gate_world.headers("staff")})
    assert r.status_code == 413 and body.sent <= 3 * CHUNK


def test_an_authenticated_upload_within_the_limit_still_works_and_one_over_it_is_413(gate_world: World) -> None:
    url = f"/api/v1/incidents/{gate_world.incident_a}/evidence"
    r = gate_world.call("staff", "POST", url, files={"file": ("a.txt", b"hello evidence\n", "text/plain")},
                        data={"kind": "transcript"})
    assert r.status_code == 201, r.text
    r = gate_world.call("staff", "POST", url, files={"file": ("b.txt", b"x" * (7 * CHUNK), "text/plain")})
    assert r.status_code == 413


def test_normal_json_requests_pass_the_gate(gate_world: World) -> None:
    r = gate_world.call("staff", "POST", "/api/v1/incidents", content=json.dumps({
        "site_id": gate_world.site_a, "occurred_at": "2026-11-20T10:00:00+09:00", "channel": "phone",
        "title": "通常の報告", "summary": "あ" * 15000}), headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
