"""The consultation desk's pages: the inbox with deadlines, one consultation, replies and links.

Only the desk role may open them. Every view is audited by the service, without the content.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.services import care as care_svc
from kasuhara.services import consultations as svc
from kasuhara.store.models.users import User
from kasuhara.web.api.consultations import ConsultationId, today
from kasuhara.web.deps import OptionalUser, SessionDep, SettingsDep
from kasuhara.web.pages._common import field_errors, guarded, require_user
from kasuhara.web.pages._desk import NO_STORE, optional_int, text
from kasuhara.web.templating import NavItem, redirect, render, translator

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [
    NavItem(key="desk.nav", href="/desk", roles=("desk",), order=61),
    NavItem(key="desk.settings_nav", href="/desk/settings", roles=("admin",), order=90),
]
DESK = ("desk",)


@router.get("/desk", response_class=HTMLResponse)
def inbox(request: Request, session: SessionDep, user: OptionalUser, settings: SettingsDep,
          closed: int = 0) -> Response:

    def page() -> Response:
        me = require_user(request, user, DESK)
        items = svc.inbox(session, cipher=svc.cipher_from_settings(settings), user=me, today=today(),
                          include_closed=bool(closed))
        due = care_svc.follow_ups_due(session, user=me, today=today())
        limits = svc.settings_dict(svc.desk_settings(session))
        session.commit()
        from kasuhara.services.desk_access import pending_count

        return render(request, "desk/inbox.html", {"items": items, "care_due": due, "limits": limits,
                                                   "show_closed": bool(closed),
                                                   "pending_grants": pending_count(session)}, headers=NO_STORE)

    return guarded(request, session, page)


def _detail(request: Request, session: SessionDep, settings: SettingsDep, me: User, consultation_id: ConsultationId,
            errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    view = svc.desk_view(session, cipher=svc.cipher_from_settings(settings), user=me,
                         consultation_id=consultation_id, today=today())
    session.commit()
    return render(request, "desk/consultation.html", {"view": view, "errors": errors or {}},
                  status_code=status_code, headers=NO_STORE)


@router.get("/desk/consultations/{consultation_id}", response_class=HTMLResponse)
def detail(consultation_id: ConsultationId, request: Request, session: SessionDep, user: OptionalUser,
           settings: SettingsDep) -> Response:
    return guarded(request, session,
                   lambda: _detail(request, session, settings, require_user(request, user, DESK), consultation_id))


@router.post("/desk/consultations/{consultation_id}", response_class=HTMLResponse)
async def act(consultation_id: ConsultationId, request: Request, session: SessionDep, user: OptionalUser,
              settings: SettingsDep) -> Response:
    """One form handler for reply / question / internal note, link to an incident, and close."""
    form = await request.form()
    action = text(form, "action", 20)

    def work() -> Response:
        me = require_user(request, user, DESK)
        try:
            if action in ("reply", "question", "internal"):
                svc.desk_reply(session, cipher=svc.cipher_from_settings(settings), user=me,
                               consultation_id=consultation_id, body=text(form, "body"), kind=action, today=today())
                key = "desk.replied"
            elif action == "link":
                svc.link_incident(session, user=me, consultation_id=consultation_id,
                                  incident_id=optional_int(form, "incident_id"))
                key = "desk.linked"
            elif action == "close":
                svc.close(session, user=me, consultation_id=consultation_id, today=today())
                key = "desk.closed"
            else:
                return redirect(f"/desk/consultations/{consultation_id}")
        except InputError as exc:
            session.rollback()
            return _detail(request, session, settings, me, consultation_id,
                           errors=field_errors(exc, translator(request)), status_code=422)
        session.commit()
        return redirect(f"/desk/consultations/{consultation_id}", key=key)

    return guarded(request, session, work)


SETTING_INPUTS = (
    "first_reply_working_days", "follow_up_reply_working_days", "care_follow_up_days", "alert_count", "window_days",
    "ban_review_days", "retention_consultation_days", "retention_care_days", "retention_customer_days",
)


def _settings_page(request: Request, session: SessionDep, me: User, errors: dict[str, str] | None = None,
                   values: dict[str, object] | None = None, status_code: int = 200) -> Response:
    current = svc.settings_dict(svc.desk_settings(session))
    session.commit()
    return render(request, "desk/settings.html", {
        "values": values or current, "errors": errors or {}, "can_edit": me.role == "admin", "fields": SETTING_INPUTS,
    }, status_code=status_code)


@router.get("/desk/settings", response_class=HTMLResponse)
def settings_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The company's reply limits, repeat-offender threshold and retention periods."""
    return guarded(request, session,
                   lambda: _settings_page(request, session, require_user(request, user, ("admin", "desk"))))


@router.post("/desk/settings", response_class=HTMLResponse)
async def save_settings(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    form = await request.form()

    def work() -> Response:
        me = require_user(request, user, ("admin",))
        values: dict[str, object] = {}
        raw: dict[str, object] = {}
        problems = []
        for name in SETTING_INPUTS:
            value = text(form, name, 10)
            raw[name] = value
            if value.isdigit():
                values[name] = int(value)
            else:
                problems.append(FieldProblem(name, Message("1以上の整数にしてください", "must be an integer ≥ 1")))
        values["year_end_closure"] = text(form, "year_end_closure", 5) == "1"
        raw["year_end_closure"] = values["year_end_closure"]
        try:
            if problems:
                raise InputError(problems)
            svc.update_settings(session, user=me, values=values)
        except InputError as exc:
            session.rollback()
            return _settings_page(request, session, me, errors=field_errors(exc, translator(request)), values=raw,
                                  status_code=422)
        session.commit()
        return redirect("/desk/settings", key="desk.settings_saved")

    return guarded(request, session, work)
