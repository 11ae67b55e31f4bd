"""Live calls across processes through Redis: each hub here stands for one app process.

A hub has its own bus client, its own listeners and its own in-memory index, and shares nothing
with another hub but Redis and the database, so "process A restarts" is closing hub A and
starting a new one, and "a supervisor on process B" is a listener on hub B.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

import kasuhara.store.models  # noqa: F401
from kasuhara.calls_bus import make_bus
from kasuhara.calls_bus.base import Delivered, Subscription
from kasuhara.live import CallInfo, Segment
from kasuhara.services import sites, users
from kasuhara.services.call_hub import Actor, CallHub
from kasuhara.store.base import Base
from kasuhara.store.engine import make_engine, make_session_factory


@pytest.fixture
def database(db_url: str) -> tuple[sessionmaker[Session], Actor, int]:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        site = sites.create(session=session, actor=None, code="C", name="コールセンター", prefecture_code="13")
        user = users.create(session=session, actor=None, email="line@example.jp", display_name="回線",
                            role="staff", password="correct-horse-battery", site_ids=[site.id])
        session.commit()
        return factory, Actor.of(user), site.id


def hub(url: str, factory: sessionmaker[Session]) -> CallHub:
    return CallHub(bus=make_bus(url), session_factory=factory, tick_seconds=0)


async def next_of(sub: Subscription, kind: str, timeout: float = 3.0) -> Delivered:
    deadline = time.monotonic() + timeout
    while True:
        item = await asyncio.wait_for(sub.get(), timeout=max(0.01, deadline - time.monotonic()))
        assert item is not None
        if item.event.get("type") == kind:
            return item


def seg(text: str, at: float, seq: int) -> Segment:
    return Segment(speaker="customer", text=text, start=at, end=at + 1.0, seq=seq)


def test_a_supervisor_on_another_process_gets_the_alert_and_a_restart_loses_nothing(
        redis_url: str, database: tuple[Any, Actor, int], run: Callable[[Coroutine[Any, Any, None]], None], tmp_path: Path) -> None:
    factory, actor, site_id = database

    async def scenario() -> None:
        a, b = hub(redis_url, factory), hub(redis_url, factory)
        await a.ensure_started()
        await b.ensure_started()
        board = await b.bus.subscribe()
        await a.start(actor=actor, call_id="r-1", info=CallInfo(site_id=site_id))
        await a.segments(call_id="r-1", segments=[seg("お世話になっております", 0.0, 0)])
        sent = time.monotonic()
        await a.segments(call_id="r-1", segments=[seg("殺すぞ", 2.0, 1)])
        alert = await next_of(board, "alert")
        assert alert.event["alert"]["rule"] == "harmful_speech" and time.monotonic() - sent < 1.0
        # Process A goes away mid-call; the integration reconnects to a fresh process A'.
        await a.close()
        again = hub(redis_url, factory)
        state, resumed = await again.start(actor=actor, call_id="r-1", info=CallInfo(site_id=site_id))
        assert resumed and state.last_seq == 1
        await again.segments(call_id="r-1", segments=[seg("殺すぞ", 2.0, 1)])  # resent: changes nothing
        await again.segments(call_id="r-1", segments=[seg("土下座しろ", 4.0, 2)])
        second = await next_of(board, "alert")
        assert second.event["alert"]["detail"]["behaviour"] == "forced_kneeling"
        full = await b.bus.load_full("r-1")
        assert full is not None and [s["seq"] for s in full.segments] == [0, 1, 2]
        assert [x["rule"] for x in full.alerts] == ["harmful_speech", "harmful_speech"]
        # Process B knows the call (the board) although A' took every segment.
        assert [c["call_id"] for c in await b.board(sites=None)] == ["r-1"]
        # A listener that dropped replays what it missed from its last event id.
        late = await b.bus.subscribe(after=alert.id)
        replayed = await next_of(late, "alert")
        assert replayed.id == second.id
        await again.end(call_id="r-1")
        assert (await next_of(board, "call.end")).event["reason"] == "ended"
        assert await b.bus.live_ids() == []
        await again.close()
        await b.close()

    run(scenario())


def test_two_processes_racing_on_one_call_keep_every_segment_once(
        redis_url: str, database: tuple[Any, Actor, int], run: Callable[[Coroutine[Any, Any, None]], None]) -> None:
    factory, actor, site_id = database

    async def scenario() -> None:
        a, b = hub(redis_url, factory), hub(redis_url, factory)
        await a.start(actor=actor, call_id="r-2", info=CallInfo(site_id=site_id))
        await b.ensure_started()
        await asyncio.gather(*(
            (a if i % 2 else b).segments(call_id="r-2", segments=[seg(f"発言{i}", float(i), i)]) for i in range(20)
        ), return_exceptions=True)
        full = await a.bus.load_full("r-2")
        assert full is not None
        seqs = [s["seq"] for s in full.segments]
        assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) and seqs[-1] == full.last_seq
        await a.close()
        await b.close()

    run(scenario())
