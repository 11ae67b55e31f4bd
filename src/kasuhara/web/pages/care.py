"""Employee care pages: the desk's list with follow-ups due, one record, check-ins and support.

An employee sees their own records here too, accepts or declines support, and decides whether
their supervisor may read. Supervisors see nothing unless the employee shared.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kasuhara.desk.care import OUTCOMES, SUPPORT_KINDS
from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.services import care as svc
from kasuhara.services.consultations import cipher_from_settings
from kasuhara.store.models.users import User
from kasuhara.web.api.consultations import today
from kasuhara.web.deps import OptionalUser, SessionDep, SettingsDep
from kasuhara.web.pages._common import field_errors, guarded, require_user
from kasuhara.web.pages._desk import NO_STORE, optional_date, optional_int, text
from kasuhara.web.templating import NavItem, redirect, render, translator

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem(key="care.nav", href="/care", signed_in=True, order=62)]


def _choices(t: Any) -> dict[str, list[tuple[str, str]]]:
    return {
        "outcomes": [(k, t.message(v)) for k, v in OUTCOMES.items()],
        "supports": [(k, t.message(v)) for k, v in SUPPORT_KINDS.items()],
    }


@router.get("/care", response_class=HTMLResponse)
def list_page(request: Request, session: SessionDep, user: OptionalUser, settings: SettingsDep) -> Response:

    def page() -> Response:
        me = require_user(request, user)
        records = svc.list_records(session, user=me, today=today(), cipher=cipher_from_settings(settings))
        employees = (
            list(session.scalars(select(User).where(User.is_active).order_by(User.display_name)))
            if me.role == "desk" else []
        )
        session.commit()
        return render(request, "care/list.html", {
            "records": records, "is_desk": me.role == "desk", "errors": {}, "values": {},
            "employees": [(str(u.id), f"{u.display_name} ({u.email})") for u in employees],
        }, headers=NO_STORE)

    return guarded(request, session, page)


@router.post("/care", response_class=HTMLResponse)
async def open_record(request: Request, session: SessionDep, user: OptionalUser, settings: SettingsDep) -> Response:
    form = await request.form()

    def work() -> Response:
        me = require_user(request, user, ("desk",))
        try:
            employee_id = optional_int(form, "employee_id")
            if employee_id is None:
                raise InputError([FieldProblem("employee_id", Message("選んでください", "choose"))])
            record = svc.open_record(
                session, cipher=cipher_from_settings(settings), user=me, employee_id=employee_id,
                what_happened=text(form, "what_happened"), today=today(),
                incident_id=optional_int(form, "incident_id"), next_follow_up=optional_date(form, "next_follow_up"),
            )
        except InputError as exc:
            session.rollback()
            t = translator(request)
            return render(request, "care/list.html", {
                "records": svc.list_records(session, user=me, today=today(), cipher=cipher_from_settings(settings)),
                "is_desk": True,
                "errors": field_errors(exc, t), "values": {k: text(form, k) for k in form},
                "employees": [(str(u.id), f"{u.display_name} ({u.email})")
                              for u in session.scalars(select(User).order_by(User.display_name))],
            }, status_code=422)
        session.commit()
        return redirect(f"/care/{record.id}", key="care.saved")

    return guarded(request, session, work)


def _detail(request: Request, session: SessionDep, settings: SettingsDep, me: User, record_id: int,
            errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    view = svc.read(session, cipher=cipher_from_settings(settings), user=me, record_id=record_id, today=today())
    session.commit()
    t = translator(request)
    return render(request, "care/record.html", {
        "view": view, "errors": errors or {}, "is_desk": me.role == "desk",
        "is_employee": me.id == view["employee"]["id"], **_choices(t),
        "outcome_labels": dict(_choices(t)["outcomes"]), "support_labels": dict(_choices(t)["supports"]),
    }, status_code=status_code, headers=NO_STORE)


@router.get("/care/{record_id}", response_class=HTMLResponse)
def record_page(record_id: int, request: Request, session: SessionDep, user: OptionalUser,
                settings: SettingsDep) -> Response:
    me = require_user(request, user)
    return guarded(request, session, lambda: _detail(request, session, settings, me, record_id))


@router.post("/care/{record_id}", response_class=HTMLResponse)
async def act(record_id: int, request: Request, session: SessionDep, user: OptionalUser,
              settings: SettingsDep) -> Response:
    form = await request.form()
    action = text(form, "action", 30)
    c = cipher_from_settings(settings)

    def work() -> Response:
        me = require_user(request, user)
        try:
            if action == "check_in":
                svc.add_check_in(session, cipher=c, user=me, record_id=record_id, outcome=text(form, "outcome", 30),
                                 note=text(form, "note"), today=today(),
                                 next_follow_up=optional_date(form, "next_follow_up"))
            elif action == "support":
                svc.offer_support(session, cipher=c, user=me, record_id=record_id, kind=text(form, "kind", 30),
                                  note=text(form, "note"), today=today())
            elif action in ("share", "unshare"):
                svc.set_sharing(session, user=me, record_id=record_id, share=action == "share", cipher=c)
            elif action in ("accepted", "declined", "done"):
                support_id = optional_int(form, "support_id")
                if support_id is not None:
                    svc.set_support_status(session, user=me, support_id=support_id, status=action, cipher=c)
        except InputError as exc:
            session.rollback()
            return _detail(request, session, settings, me, record_id,
                           errors=field_errors(exc, translator(request)), status_code=422)
        session.commit()
        return redirect(f"/care/{record_id}", key="care.saved")

    return guarded(request, session, work)
