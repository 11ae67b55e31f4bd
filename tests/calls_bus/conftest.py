"""Fixtures for the call buses: a real Redis (skipped with the reason when unreachable outside CI)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

REDIS_URL = os.environ.get("KASUHARA_TEST_REDIS", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"Redis at {REDIS_URL} is not reachable: {exc.__class__.__name__}: {exc}"
    return None


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test Redis with a key prefix of this test's own (several runs share one server)."""
    reason = _reachable()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    prefix = f"kasuhara-test-{uuid.uuid4().hex[:10]}:"
    yield f"{REDIS_URL}?prefix={prefix}"
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def run() -> Callable[[Coroutine[Any, Any, None]], None]:
    """Runs a coroutine on an event loop in a thread of its own: a browser test that ran earlier in the same
    worker may have left Playwright's loop running in the main thread, where a second loop cannot run."""

    def run_in_thread(coroutine: Coroutine[Any, Any, None]) -> None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, coroutine).result()

    return run_in_thread


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with tiny costs: these tests check the bus, not the work factor."""
    from argon2 import PasswordHasher

    from kasuhara.services import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
