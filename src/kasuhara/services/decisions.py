"""Decisions: the system recommends, a person with the right role decides, and that is recorded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.services import audit
from kasuhara.services import incidents as incident_service
from kasuhara.services._util import choice, field_error, required_text
from kasuhara.store.models.decisions import DECISION_KINDS, Decision
from kasuhara.store.models.judgments import JudgmentSnapshot
from kasuhara.store.models.users import User


def create(*, session: Session, actor: User, incident_id: int, kind: str, reason: str,
           judgment_id: int | None = None) -> Decision:
    incident = incident_service.load_for_work(session=session, actor=actor, incident_id=incident_id)
    choice("kind", kind, DECISION_KINDS)
    if judgment_id is not None:
        snapshot = session.get(JudgmentSnapshot, judgment_id)
        if snapshot is None or snapshot.incident_id != incident.id:
            raise field_error("judgment_id", "この事案の判断結果ではありません", "not a judgment of this incident")
    decision = Decision(incident_id=incident.id, kind=kind, reason=required_text("reason", reason),
                        decided_by=actor.id, judgment_id=judgment_id, customer_id=incident.customer_id)
    session.add(decision)
    session.flush()
    incident_service.add_event(session, incident, actor, "decision", reason=decision.reason,
                               detail={"decision_id": decision.id, "kind": kind})
    audit.record(session, actor=actor, action="decision.create", target_type="incident", target_id=incident.id,
                 detail={"decision_id": decision.id, "kind": kind})
    return decision


def list_for(*, session: Session, actor: User, incident_id: int) -> list[Decision]:
    incident = incident_service.load(session=session, actor=actor, incident_id=incident_id)
    audit.record(session, actor=actor, action="decision.list", target_type="incident", target_id=incident.id)
    return list(session.scalars(select(Decision).where(Decision.incident_id == incident_id).order_by(Decision.id)))
