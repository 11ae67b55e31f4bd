"""The compliance self-check in the web app: what the system knows, stored answers, the result."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasuhara.documents.legal import legal_context
from kasuhara.documents.selfcheck import SelfCheckResult, SystemState, evaluate, parse_answers
from kasuhara.services import audit
from kasuhara.services import company_settings as settings_service
from kasuhara.services.documents import generated_kinds
from kasuhara.services.training import trained_share
from kasuhara.store.models.care import CareRecord
from kasuhara.store.models.decisions import Decision
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.offender import DeterrenceDecision
from kasuhara.store.models.selfcheck import SelfCheckAnswer
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow

TOKYO = ZoneInfo("Asia/Tokyo")


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def system_state(*, session: Session) -> SystemState:
    """What the database shows: generated documents, the desk, training, deterrence, records, care."""
    kinds = generated_kinds(session=session)
    row = settings_service.get(session=session)
    incidents = _count(session, Incident)
    deterrence = bool(kinds & {"clauses-terms", "clauses-lease", "warning-letter"}) or _count(session, DeterrenceDecision) > 0
    return SystemState(
        policy_generated=True if "policy" in kinds else None,
        manual_generated=True if "manual" in kinds else None,
        desk_configured=bool(row.desk_name and (row.desk_phone or row.desk_email)),
        trained_share=trained_share(session=session),
        deterrence_policy=True if deterrence else None,
        incidents_recorded=(incidents > 0 and _count(session, Decision) > 0) if incidents else None,
        care_followups=True if _count(session, CareRecord) > 0 else None,
        policy_approved_on=_approved_on(session, "policy"),
        manual_approved_on=_approved_on(session, "manual"),
    )


def _approved_on(session: Session, kind: str) -> date | None:
    """The date a person approved (adopted) the document kind in the app, if anyone did."""
    from kasuhara.services.documents import latest_approval

    found = latest_approval(session=session, kind=kind)
    return found.on if found is not None else None


def stored_answers(*, session: Session) -> dict[str, str]:
    return {a.question_id: a.answer for a in session.scalars(select(SelfCheckAnswer))}


def save_answers(*, session: Session, actor: User, answers: Mapping[str, object]) -> dict[str, str]:
    """Validate and store answers (one row per question, the latest wins)."""
    parsed = parse_answers(answers)
    existing = {a.question_id: a for a in session.scalars(select(SelfCheckAnswer))}
    for qid, answer in parsed.items():
        row = existing.get(qid)
        if row is None:
            session.add(SelfCheckAnswer(question_id=qid, answer=answer, answered_by=actor.id))
        else:
            row.answer, row.answered_by, row.answered_at = answer, actor.id, utcnow()
    session.flush()
    audit.record(session, actor=actor, action="selfcheck.answer", target_type="selfcheck", target_id=0, detail=parsed)
    return stored_answers(session=session)


def result(*, session: Session, lang: str = "ja", on: date | None = None) -> SelfCheckResult:
    row = settings_service.get(session=session)
    law = legal_context(
        on=on or datetime.now(TOKYO).date(), lang=lang, prefecture_code=row.prefecture_code or "",
        municipality_code=row.municipality_code or "",
    )
    return evaluate(law, stored_answers(session=session), system_state(session=session))
