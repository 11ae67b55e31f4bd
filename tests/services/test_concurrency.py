"""Two supervisors move the same case at the same moment: one wins, the other gets a conflict."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from casefile_db import Db
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from kasuhara.errors import ConflictError
from kasuhara.services import audit, incidents
from kasuhara.store.models.incidents import Incident, IncidentEvent
from kasuhara.store.models.users import User


def test_concurrent_transitions_never_lose_an_update(db: Db) -> None:
    with db.sessions() as session:
        staff = session.get(User, db.user_ids["staff"])
        assert staff is not None
        inc = incidents.create(session=session, actor=staff, site_id=db.site_id, title="同時更新",
                               channel="phone", occurred_at=datetime(2026, 10, 1, tzinfo=UTC))
        session.commit()
        incident_id, version = inc.id, inc.version

    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def move(actor_role: str, target: str, reason: str) -> None:
        barrier.wait()  # both start together (before either holds a transaction)
        with db.sessions() as session:
            actor = session.get(User, db.user_ids[actor_role])
            assert actor is not None
            try:
                incidents.transition(session=session, actor=actor, incident_id=incident_id, to=target,
                                     version=version, reason=reason)
                session.commit()
                result = f"ok:{target}"
            except (ConflictError, StaleDataError):
                session.rollback()
                result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=move, args=("supervisor", "assessing", "")),
               threading.Thread(target=move, args=("admin", "closed", "重複報告"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "ok"]
    winner = next(o.split(":")[1] for o in outcomes if o.startswith("ok"))
    with db.sessions() as session:
        inc = session.get(Incident, incident_id)
        assert inc is not None and inc.status == winner and inc.version == version + 1
        moves = session.scalars(select(IncidentEvent).where(
            IncidentEvent.incident_id == incident_id, IncidentEvent.kind == "transition")).all()
        assert [m.to_status for m in moves] == [winner]
        assert audit.verify(session=session).ok
