"""The transition table, tested as data: every listed move works, every other move is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

import pytest
from casefile_db import Db

from kasuhara.errors import InputError, PermissionDeniedError
from kasuhara.services import incidents, workflow
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.users import User


def test_table_is_closed_and_reachable() -> None:
    statuses = set(workflow.STATUSES)
    for t in workflow.TRANSITIONS:
        assert {t.source, t.target} <= statuses and t.source != t.target
    reachable, frontier = {"reported"}, ["reported"]
    while frontier:
        for target in workflow.targets_from(frontier.pop()):
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == statuses
    assert workflow.find("closed", "reopened") is not None and workflow.find("closed", "assessing") is not None
    assert all(t.reason_required for t in workflow.TRANSITIONS if t.target == "closed" or t.source == "closed")


def _case_in(db: Db, status: str) -> int:
    with db.sessions() as session:
        staff = session.get(User, db.user_ids["staff"])
        assert staff is not None
        inc = incidents.create(session=session, actor=staff, site_id=db.site_id, title="t", channel="phone",
                               occurred_at=datetime(2026, 10, 1, tzinfo=UTC))
        inc.status = status
        session.commit()
        return inc.id


def test_every_pair_against_the_table(db: Db) -> None:
    for source, target in product(workflow.STATUSES, workflow.STATUSES):
        if source == target:
            continue
        incident_id = _case_in(db, source)
        step = workflow.find(source, target)
        with db.sessions() as session:
            sup = session.get(User, db.user_ids["supervisor"])
            inc = session.get(Incident, incident_id)
            assert sup is not None and inc is not None
            if step is None:
                with pytest.raises(InputError) as err:
                    incidents.transition(session=session, actor=sup, incident_id=incident_id, to=target,
                                         version=inc.version, reason="理由")
                assert err.value.problems[0].field == "to"
                continue
            if step.reason_required:
                with pytest.raises(InputError) as err:
                    incidents.transition(session=session, actor=sup, incident_id=incident_id, to=target,
                                         version=inc.version)
                assert err.value.problems[0].field == "reason"
            moved = incidents.transition(session=session, actor=sup, incident_id=incident_id, to=target,
                                         version=inc.version, reason="理由")
            session.commit()
            assert moved.status == target


def test_staff_cannot_move_a_case(db: Db) -> None:
    incident_id = _case_in(db, "reported")
    with db.sessions() as session:
        staff = session.get(User, db.user_ids["staff"])
        assert staff is not None
        with pytest.raises(PermissionDeniedError):
            incidents.transition(session=session, actor=staff, incident_id=incident_id, to="assessing", version=1)
