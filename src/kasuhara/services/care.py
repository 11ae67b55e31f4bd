"""Employee care records: the desk opens and keeps them; the employee reads their own.

Who may read: the desk, and the employee themself. The employee's supervisor only if the
employee chose to share (off by default); the admin and auditor never (they see that records
exist through the audit log, not what they say). Notes are encrypted; every read is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.desk.care import OUTCOMES, SUPPORT_KINDS, SUPPORT_STATUSES, check_choice, follow_up_state
from kasuhara.desk.crypto import FieldCipher
from kasuhara.errors import FieldProblem, InputError, Message, NotFoundError, PermissionDeniedError
from kasuhara.services import desk_audit
from kasuhara.services.access import DENIED, site_ids
from kasuhara.store.models.care import CareCheckIn, CareRecord, CareSupport
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.users import User

WRITERS = frozenset({"desk"})


def _text(field: str, value: str, *, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise InputError([FieldProblem(field, Message("入力してください", "required"))])
    if len(text) > 20_000:
        raise InputError([FieldProblem(field, Message("長すぎます", "too long"))])
    return text


def can_read(session: Session, user: User, record: CareRecord) -> bool:
    if user.role == "desk" or user.id == record.employee_id:
        return True
    if user.role == "supervisor" and record.shared_with_supervisor:
        employee = session.get(User, record.employee_id)
        return employee is not None and bool(site_ids(session, user) & site_ids(session, employee))
    return False


def _get(session: Session, record_id: int) -> CareRecord:
    record = session.get(CareRecord, record_id)
    if record is None:
        raise PermissionDeniedError(DENIED)
    return record


def _writable(session: Session, user: User, record_id: int) -> CareRecord:
    if user.role not in WRITERS:
        raise PermissionDeniedError(DENIED)
    return _get(session, record_id)


def open_record(
    session: Session,
    *,
    cipher: FieldCipher,
    user: User,
    employee_id: int,
    what_happened: str,
    today: date,
    incident_id: int | None = None,
    next_follow_up: date | None = None,
) -> CareRecord:
    if user.role not in WRITERS:
        raise PermissionDeniedError(DENIED)
    if session.get(User, employee_id) is None:
        raise NotFoundError(Message("従業員が見つかりません", "employee not found"))
    if incident_id is not None and session.get(Incident, incident_id) is None:
        raise NotFoundError(Message("事案が見つかりません", "incident not found"))
    from kasuhara.services.consultations import desk_settings

    if next_follow_up is None:
        next_follow_up = today + timedelta(days=desk_settings(session).care_follow_up_days)
    record = CareRecord(
        employee_id=employee_id,
        incident_id=incident_id,
        opened_by=user.id,
        opened_on=today,
        what_happened_enc=cipher.encrypt(_text("what_happened", what_happened), field="care_records.what_happened"),
        status="open",
        next_follow_up=next_follow_up,
        shared_with_supervisor=False,
    )
    session.add(record)
    session.flush()
    desk_audit.record(session, cipher=cipher, actor=user, action="care.open", target_type="care_record",
                      target_id=record.id, detail={"employee_id": employee_id})
    return record


def add_check_in(
    session: Session,
    *,
    cipher: FieldCipher,
    user: User,
    record_id: int,
    outcome: str,
    note: str,
    today: date,
    next_follow_up: date | None,
) -> CareCheckIn:
    record = _writable(session, user, record_id)
    check_choice("outcome", outcome, tuple(OUTCOMES))
    if next_follow_up is not None and next_follow_up < today:
        raise InputError([FieldProblem("next_follow_up", Message("過去の日付です", "in the past"))])
    check_in = CareCheckIn(
        record_id=record.id,
        held_on=today,
        by_id=user.id,
        outcome=outcome,
        note_enc=cipher.encrypt(_text("note", note, required=False), field="care_check_ins.note"),
        next_follow_up=next_follow_up,
    )
    session.add(check_in)
    record.next_follow_up = next_follow_up
    if outcome == "closed":
        record.status = "closed"
        record.closed_on = today
        record.next_follow_up = None
    desk_audit.record(session, cipher=cipher, actor=user, action="care.check_in", target_type="care_record",
                      target_id=record.id, detail={"outcome": outcome})
    return check_in


def offer_support(
    session: Session, *, cipher: FieldCipher, user: User, record_id: int, kind: str, note: str, today: date
) -> CareSupport:
    record = _writable(session, user, record_id)
    check_choice("kind", kind, tuple(SUPPORT_KINDS))
    support = CareSupport(
        record_id=record.id,
        kind=kind,
        status="offered",
        offered_on=today,
        note_enc=cipher.encrypt(_text("note", note, required=False), field="care_supports.note"),
    )
    session.add(support)
    session.flush()
    desk_audit.record(session, cipher=cipher, actor=user, action="care.support", target_type="care_record",
                      target_id=record.id, detail={"kind": kind, "support_id": support.id})
    return support


def set_support_status(session: Session, *, user: User, support_id: int, status: str,
                       cipher: FieldCipher | None = None) -> None:
    support = session.get(CareSupport, support_id)
    if support is None:
        raise PermissionDeniedError(DENIED)
    record = _get(session, support.record_id)
    # The employee may accept or decline what was offered to them; the desk records any status.
    if not (user.role in WRITERS or (user.id == record.employee_id and status in ("accepted", "declined"))):
        raise PermissionDeniedError(DENIED)
    check_choice("status", status, SUPPORT_STATUSES)
    support.status = status
    desk_audit.record(session, cipher=cipher, actor=user, action="care.support_status", target_type="care_record",
                      target_id=record.id, detail={"support_id": support_id, "status": status})


def set_sharing(session: Session, *, user: User, record_id: int, share: bool,
                cipher: FieldCipher | None = None) -> None:
    """Only the employee decides whether their supervisor may read their care record."""
    record = _get(session, record_id)
    if user.id != record.employee_id:
        raise PermissionDeniedError(DENIED)
    record.shared_with_supervisor = share
    desk_audit.record(session, cipher=cipher, actor=user, action="care.share", target_type="care_record",
                      target_id=record.id, detail={"shared_with_supervisor": share})


def read(session: Session, *, cipher: FieldCipher, user: User, record_id: int, today: date) -> dict[str, Any]:
    record = _get(session, record_id)
    if not can_read(session, user, record):
        raise PermissionDeniedError(DENIED)
    employee = session.get(User, record.employee_id)
    checks = session.scalars(select(CareCheckIn).where(CareCheckIn.record_id == record.id).order_by(CareCheckIn.id))
    supports = session.scalars(select(CareSupport).where(CareSupport.record_id == record.id).order_by(CareSupport.id))
    state = follow_up_state(record.next_follow_up, today, closed=record.status == "closed")
    desk_audit.record(session, cipher=cipher, actor=user, action="care.read", target_type="care_record",
                      target_id=record.id)
    return {
        "id": record.id,
        "employee": {"id": record.employee_id, "name": employee.display_name if employee else ""},
        "incident_id": record.incident_id,
        "opened_on": record.opened_on.isoformat(),
        "status": record.status,
        "what_happened": cipher.decrypt(record.what_happened_enc, field="care_records.what_happened"),
        "next_follow_up": record.next_follow_up.isoformat() if record.next_follow_up else None,
        "follow_up_due": state.is_due,
        "days_overdue": state.days_overdue,
        "shared_with_supervisor": record.shared_with_supervisor,
        "check_ins": [
            {
                "id": c.id,
                "held_on": c.held_on.isoformat(),
                "outcome": c.outcome,
                "note": cipher.decrypt(c.note_enc, field="care_check_ins.note"),
                "next_follow_up": c.next_follow_up.isoformat() if c.next_follow_up else None,
            }
            for c in checks
        ],
        "supports": [
            {
                "id": s.id,
                "kind": s.kind,
                "status": s.status,
                "offered_on": s.offered_on.isoformat(),
                "note": cipher.decrypt(s.note_enc, field="care_supports.note") if s.note_enc else "",
            }
            for s in supports
        ],
    }


def _summary(session: Session, record: CareRecord, today: date) -> dict[str, Any]:
    employee = session.get(User, record.employee_id)
    state = follow_up_state(record.next_follow_up, today, closed=record.status == "closed")
    return {
        "id": record.id,
        "employee": {"id": record.employee_id, "name": employee.display_name if employee else ""},
        "opened_on": record.opened_on.isoformat(),
        "status": record.status,
        "next_follow_up": record.next_follow_up.isoformat() if record.next_follow_up else None,
        "follow_up_due": state.is_due,
        "days_overdue": state.days_overdue,
    }


def list_records(session: Session, *, user: User, today: date,
                 cipher: FieldCipher | None = None) -> list[dict[str, Any]]:
    """The desk sees all records; anyone else sees their own (and shared ones, for supervisors)."""
    rows = session.scalars(select(CareRecord).order_by(CareRecord.next_follow_up, CareRecord.id)).all()
    visible = [r for r in rows if can_read(session, user, r)]
    desk_audit.record(session, cipher=cipher, actor=user, action="care.list", target_type="care_record",
                      target_id="*", detail={"count": len(visible)})
    return [_summary(session, r, today) for r in visible]


def follow_ups_due(session: Session, *, user: User, today: date) -> list[dict[str, Any]]:
    """The desk's reminders: open records whose follow-up date has come."""
    if user.role not in WRITERS:
        raise PermissionDeniedError(DENIED)
    rows = session.scalars(
        select(CareRecord)
        .where(CareRecord.status == "open", CareRecord.next_follow_up.is_not(None), CareRecord.next_follow_up <= today)
        .order_by(CareRecord.next_follow_up)
    ).all()
    return [_summary(session, r, today) for r in rows]
