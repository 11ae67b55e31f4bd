"""Employee care API: records, check-ins, support offered, follow-ups due.

Readable by the desk and by the employee the record is about; a supervisor only when the
employee chose to share. Writes are the desk's, except that employees accept or decline support
and decide about sharing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import Field

from kasuhara.services import care as svc
from kasuhara.services.consultations import cipher_from_settings
from kasuhara.web.api._common import ERRORS, MAX_ID, IdPath, InputSchema, Text
from kasuhara.web.api.consultations import today
from kasuhara.web.deps import CurrentUser, SessionDep, SettingsDep

router = APIRouter(prefix="/care", tags=["care"], responses=ERRORS)


class OpenIn(InputSchema):
    employee_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    what_happened: Annotated[Text, Field(min_length=1, max_length=20000)]
    incident_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    next_follow_up: date | None = None


class CheckInIn(InputSchema):
    outcome: Literal["recovering", "stable", "needs_support", "urgent", "closed"]
    note: Annotated[Text, Field(max_length=20000)] = ""
    next_follow_up: date | None = None


class SupportIn(InputSchema):
    kind: Literal[
        "time_off", "change_of_duty", "counselling", "occupational_physician", "stress_check", "eap",
        "medical_referral", "legal_support",
    ]
    note: Annotated[Text, Field(max_length=20000)] = ""


class SupportStatusIn(InputSchema):
    status: Literal["offered", "accepted", "declined", "done"]


class SharingIn(InputSchema):
    shared_with_supervisor: bool


@router.get("")
def list_records(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """ケア記録の一覧 (見られるものだけ) / care records you may see."""
    items = svc.list_records(session, user=user, today=today(), cipher=cipher_from_settings(settings))
    session.commit()
    return items


@router.get("/due")
def due(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """フォローアップ期日が来た記録 (窓口) / follow-ups due, for the desk."""
    return svc.follow_ups_due(session, user=user, today=today())


@router.post("", status_code=201)
def open_record(body: OpenIn, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    c = cipher_from_settings(settings)
    record = svc.open_record(
        session, cipher=c, user=user, employee_id=body.employee_id, what_happened=body.what_happened,
        today=today(), incident_id=body.incident_id, next_follow_up=body.next_follow_up,
    )
    session.flush()
    view = svc.read(session, cipher=c, user=user, record_id=record.id, today=today())
    session.commit()
    return view


@router.get("/{record_id}")
def read(record_id: IdPath, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    view = svc.read(session, cipher=cipher_from_settings(settings), user=user, record_id=record_id, today=today())
    session.commit()
    return view


@router.post("/{record_id}/check-ins", status_code=201)
def check_in(record_id: IdPath, body: CheckInIn, user: CurrentUser, session: SessionDep,
             settings: SettingsDep) -> dict[str, Any]:
    c = cipher_from_settings(settings)
    svc.add_check_in(session, cipher=c, user=user, record_id=record_id, outcome=body.outcome, note=body.note,
                     today=today(), next_follow_up=body.next_follow_up)
    session.flush()
    view = svc.read(session, cipher=c, user=user, record_id=record_id, today=today())
    session.commit()
    return view


@router.post("/{record_id}/supports", status_code=201)
def support(record_id: IdPath, body: SupportIn, user: CurrentUser, session: SessionDep,
            settings: SettingsDep) -> dict[str, Any]:
    c = cipher_from_settings(settings)
    svc.offer_support(session, cipher=c, user=user, record_id=record_id, kind=body.kind, note=body.note,
                      today=today())
    session.flush()
    view = svc.read(session, cipher=c, user=user, record_id=record_id, today=today())
    session.commit()
    return view


@router.post("/supports/{support_id}/status")
def support_status(support_id: IdPath, body: SupportStatusIn, user: CurrentUser,
                   session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    svc.set_support_status(session, user=user, support_id=support_id, status=body.status,
                           cipher=cipher_from_settings(settings))
    session.commit()
    return {"id": support_id, "status": body.status}


@router.post("/{record_id}/sharing")
def sharing(record_id: IdPath, body: SharingIn, user: CurrentUser, session: SessionDep,
            settings: SettingsDep) -> dict[str, Any]:
    """本人だけが上司への共有を決める / only the employee decides whether their supervisor may read."""
    svc.set_sharing(session, user=user, record_id=record_id, share=body.shared_with_supervisor,
                    cipher=cipher_from_settings(settings))
    session.commit()
    return {"id": record_id, "shared_with_supervisor": body.shared_with_supervisor}
