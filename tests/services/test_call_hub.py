"""The call hub with its clock: the time-limit prompts and the closing of a silent call, and the
banned caller recognised at `call.start`, on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import date

from casefile_db import Db
from sqlalchemy import select

from kasuhara.calls_bus import MemoryBus
from kasuhara.live import CallInfo, Segment
from kasuhara.services import customers, offenders
from kasuhara.services.call_hub import Actor, CallHub
from kasuhara.store.models.audit import AuditEntry
from kasuhara.store.models.live import LiveCall
from kasuhara.store.models.users import User


def actor(db: Db, role: str) -> Actor:
    with db.sessions() as session:
        user = session.get(User, db.user_ids[role])
        assert user is not None
        return Actor.of(user)


def test_the_clock_prompts_the_time_limit_and_closes_a_silent_call(db: Db) -> None:
    now = [1_000_000.0]

    async def scenario() -> None:
        hub = CallHub(bus=MemoryBus(), session_factory=db.sessions, clock=lambda: now[0], tick_seconds=0)
        await hub.start(actor=actor(db, "staff"), call_id="t-1", info=CallInfo(site_id=db.site_id))
        await asyncio.sleep(0)  # the indexer sees the call
        limit = 30 * 60
        now[0] += limit * 0.8
        await hub.segments(call_id="t-1", segments=[Segment("customer", "まだ話は終わってない", 1400.0, 1402.0)])
        await asyncio.sleep(0)
        assert await hub.tick_all() == 1
        state = await hub.bus.load("t-1")
        assert state is not None and [a["rule"] for a in state.alerts] == ["time_warning"]
        assert state.alerts[0]["say"]["ja"].startswith("恐れ入りますが")  # the phone script's words
        await asyncio.sleep(0)
        now[0] += 300
        await hub.tick_all()
        state = await hub.bus.load("t-1")
        assert state is not None and state.status == "ended" and state.end_reason == "idle"
        await hub.close()

    asyncio.run(scenario())
    with db.sessions() as session:
        row = session.get(LiveCall, "t-1")
        assert row is not None and row.end_reason == "idle" and row.ended_at is not None
        assert "call.end" in session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == "t-1")).all()


def test_a_banned_caller_is_recognised_however_the_number_is_written(db: Db) -> None:
    with db.sessions() as session:
        boss = session.get(User, db.user_ids["supervisor"])
        assert boss is not None
        customer = customers.create(session=session, actor=boss, display_name="出禁 太郎",
                                    identifiers=[("phone", "090-1234-5678")])
        offenders.decide(session, user=boss, customer_id=customer.id, step="ban", reason="脅迫が続いたため",
                         today=date.today(), channels=["phone", "visit"])
        session.commit()

    async def scenario() -> list[str]:
        hub = CallHub(bus=MemoryBus(), session_factory=db.sessions, tick_seconds=0)
        state, _ = await hub.start(actor=actor(db, "staff"), call_id="b-1",
                                   info=CallInfo(site_id=db.site_id, customer_identifier="＋81 90 1234 5678"))
        await hub.close()
        return [state.customer_status, *(a["rule"] for a in state.alerts)]

    assert asyncio.run(scenario()) == ["banned", "banned_customer"]
