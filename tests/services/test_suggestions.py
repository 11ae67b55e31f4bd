"""Screened suggestions on a case: the reporter or a supervisor confirms or rejects each one, only
confirmed ones count (determination, behaviour rows for statistics), and the case keeps who did what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from casefile_db import Db
from sqlalchemy import select

from kasuhara.errors import ConflictError, InputError, PermissionDeniedError
from kasuhara.services import incidents, judgments, screening, sites, suggestions, users
from kasuhara.store.models.audit import AuditEntry
from kasuhara.store.models.incidents import Incident, IncidentBehaviour, IncidentEvent
from kasuhara.store.models.judgments import JudgmentSnapshot
from kasuhara.store.models.users import User

SAID = ["金を返さないなら殺すぞ", "土下座しろ", "本日はありがとうございました"]
FACTS = {"demand": {"kind": "refund", "validity": "valid"}, "utterances": SAID}


def _user(session: object, db: Db, role: str) -> User:
    user = session.get(User, db.user_ids[role])  # type: ignore[attr-defined]
    assert user is not None
    return user


def _report(db: Db, facts: dict[str, object] | None = None) -> int:
    with db.sessions() as session:
        staff = _user(session, db, "staff")
        inc = incidents.create(session=session, actor=staff, site_id=db.site_id, title="電話", channel="phone",
                               occurred_at=datetime(2026, 11, 1, 10, tzinfo=UTC), facts=facts or FACTS)
        suggestions.record_report(session=session, actor=staff, incident=inc)
        session.commit()
        return inc.id


def test_transcript_lines_keep_their_place_in_the_text() -> None:
    text = "  金を返せ\n\n\u3000土下座しろ  \r\nありがとう"
    lines = screening.transcript_lines(text)
    assert [line.text for line in lines] == ["金を返せ", "土下座しろ", "ありがとう"]
    assert all(text[line.start:line.start + len(line.text)] == line.text for line in lines)
    assert len(screening.transcript_lines("あ\n" * 500)) == screening.MAX_UTTERANCES


def test_the_report_keeps_what_was_suggested_and_nothing_counts_yet(db: Db) -> None:
    incident_id = _report(db)
    with db.sessions() as session:
        staff = _user(session, db, "staff")
        found = suggestions.list_for(session=session, actor=staff, incident_id=incident_id)
        assert {s.behaviour_id: s.status for s in found.items} == {"threat": "suggested", "forced_kneeling": "suggested"}
        threat = next(s for s in found.items if s.behaviour_id == "threat")
        assert threat.source == "rule" and threat.evidence == ("殺すぞ",) and not threat.needs_review
        assert found.assessment["determination"] == "legitimate_complaint"
        assert found.if_confirmed is not None and found.if_confirmed["determination"] == "customer_harassment"
        assert found.screener_version == screening.screener_version()
        event = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id,
                                                            IncidentEvent.kind == "screening")).one()
        assert set(event.detail["suggested"]) == {"threat", "forced_kneeling"} and event.detail["decided"] == {}


def test_reporter_confirms_then_supervisor_rejects_and_the_judgment_follows(db: Db) -> None:
    incident_id = _report(db)
    with db.sessions() as session:
        staff = _user(session, db, "staff")
        done = suggestions.decide(session=session, actor=staff, incident_id=incident_id, behaviour_id="threat",
                                  decision="confirm")
        session.commit()
        assert done.suggestion.status == "confirmed" and done.judgment_id is None  # staff do not judge
        assert done.incident.facts["screened_confirmed"] == ["threat"]
    with db.sessions() as session:
        sup = _user(session, db, "supervisor")
        inc = session.get(Incident, incident_id)
        assert inc is not None
        done = suggestions.decide(session=session, actor=sup, incident_id=incident_id,
                                  behaviour_id="forced_kneeling", decision="reject", version=inc.version)
        session.commit()
        assert done.judgment_id is not None
    with db.sessions() as session:
        snap = session.get(JudgmentSnapshot, done.judgment_id)
        assert snap is not None and snap.determination == "customer_harassment"
        assert snap.assessment["screening"]["screener_version"] == screening.screener_version()
        assert {r["utterance_index"] for r in snap.assessment["screening"]["results"]} == {0, 1}
        assert [s["id"] for s in snap.assessment["suggestions"]] == ["forced_kneeling"]
        assert snap.assessment["suggestions"][0]["status"] == "rejected"
        # only what counts is copied for lists and statistics
        rows = session.scalars(select(IncidentBehaviour.behaviour_id).where(IncidentBehaviour.incident_id == incident_id))
        assert set(rows) == {"threat"}
        found = suggestions.current(session=session, incident=session.get(Incident, incident_id))  # type: ignore[arg-type]
        by = {s.behaviour_id: s for s in found.items}
        assert by["threat"].status == "confirmed" and by["threat"].decided_by == db.user_ids["staff"]
        assert by["forced_kneeling"].status == "rejected" and by["forced_kneeling"].decided_by == db.user_ids["supervisor"]
        actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.action.like("screening.%")))]
        assert actions == ["screening.report", "screening.confirm", "screening.reject"]
        confirm = session.scalars(select(AuditEntry).where(AuditEntry.action == "screening.confirm")).one()
        assert confirm.detail["evidence"] == ["殺すぞ"] and confirm.detail["was"] == "suggested"


def test_an_unconfirmed_suggestion_never_reaches_the_statistics(db: Db) -> None:
    incident_id = _report(db)
    with db.sessions() as session:
        judgments.run(session=session, actor=_user(session, db, "supervisor"), incident_id=incident_id)
        session.commit()
        assert session.scalars(select(IncidentBehaviour).where(IncidentBehaviour.incident_id == incident_id)).all() == []
        inc = session.get(Incident, incident_id)
        assert inc is not None and inc.determination == "legitimate_complaint"


def test_who_may_decide(db: Db) -> None:
    incident_id = _report(db)
    with db.sessions() as session:
        other_site = sites.create(session=session, actor=None, code="B", name="渋谷店")
        elsewhere = users.create(session=session, actor=None, email="sup-b@example.jp", display_name="b",
                                 role="supervisor", password="a-long-password", site_ids=[other_site.id])
        colleague = users.create(session=session, actor=None, email="staff-b@example.jp", display_name="c",
                                 role="staff", password="a-long-password", site_ids=[db.site_id])
        session.commit()
        for someone in (elsewhere, colleague):
            with pytest.raises(PermissionDeniedError):
                suggestions.decide(session=session, actor=someone, incident_id=incident_id, behaviour_id="threat",
                                   decision="confirm")
            session.rollback()
        inc = session.get(Incident, incident_id)
        assert inc is not None
        inc.status = "assessing"  # once a supervisor has taken the case, the reporter no longer decides
        session.commit()
        with pytest.raises(PermissionDeniedError):
            suggestions.decide(session=session, actor=_user(session, db, "staff"), incident_id=incident_id,
                               behaviour_id="threat", decision="confirm")


@pytest.mark.parametrize(("behaviour", "decision", "field"), [
    ("telepathy", "confirm", "behaviour_id"),
    ("verbal_abuse", "confirm", "behaviour_id"),  # a real behaviour the screen did not suggest here
    ("threat", "maybe", "decision"),
])
def test_bad_decisions_name_the_field_and_change_nothing(db: Db, behaviour: str, decision: str, field: str) -> None:
    incident_id = _report(db)
    with db.sessions() as session:
        with pytest.raises(InputError) as caught:
            suggestions.decide(session=session, actor=_user(session, db, "supervisor"), incident_id=incident_id,
                               behaviour_id=behaviour, decision=decision)
        assert caught.value.problems[0].field == field
        assert caught.value.problems[0].message.ja and caught.value.problems[0].message.en
        session.rollback()
        inc = session.get(Incident, incident_id)
        assert inc is not None and "screened_confirmed" not in inc.facts


def test_a_stale_version_is_a_conflict(db: Db) -> None:
    incident_id = _report(db)
    with db.sessions() as session:
        inc = session.get(Incident, incident_id)
        assert inc is not None
        with pytest.raises(ConflictError):
            suggestions.decide(session=session, actor=_user(session, db, "supervisor"), incident_id=incident_id,
                               behaviour_id="threat", decision="confirm", version=inc.version + 1)


def test_two_people_deciding_at_once_one_gets_a_conflict_not_a_lost_update(db: Db, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers: two open sessions in one thread would wait for each other")
    incident_id = _report(db)
    with db.sessions() as first, db.sessions() as second:
        stale = first.get(Incident, incident_id)  # read before the other person's decision
        assert stale is not None
        suggestions.decide(session=second, actor=_user(second, db, "supervisor"), incident_id=incident_id,
                           behaviour_id="threat", decision="confirm")
        second.commit()
        with pytest.raises(ConflictError):
            suggestions.decide(session=first, actor=_user(first, db, "admin"), incident_id=incident_id,
                               behaviour_id="forced_kneeling", decision="reject")
    with db.sessions() as session:
        inc = session.get(Incident, incident_id)
        assert inc is not None and inc.facts["screened_confirmed"] == ["threat"] and "screened_rejected" not in inc.facts
