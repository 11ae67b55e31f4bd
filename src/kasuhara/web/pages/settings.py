"""Settings for administrators: sites, users and roles, and the judgment thresholds.

Writes go through the case-file services (validation, audit). Errors come back next to the field
in the section that sent them; the thresholds take effect at once for the guided judgment and for
every judgment run afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.services import audit, company_settings
from kasuhara.services import sites as site_service
from kasuhara.services import users as user_service
from kasuhara.store.models.users import ROLES, User
from kasuhara.web.deps import SessionDep
from kasuhara.web.pages._common import PageUser, field_errors, guarded, page_errors, require_user
from kasuhara.web.templating import NavItem, redirect, render, translator

router = APIRouter(include_in_schema=False)

ADMINS = ("admin",)
NAV_ITEMS = [NavItem(key="nav.settings", href="/settings", roles=ADMINS, order=90)]


def _page(request: Request, session: Session, *, errors: dict[str, str] | None = None,
          form: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    row = company_settings.get(session=session)
    sites = site_service.list_sites(session=session, include_inactive=True)
    users = user_service.list_users(session=session)
    user_sites = {u.id: set(user_service.site_ids_of(session=session, user_id=u.id)) for u in users}
    session.rollback()  # reading may have created the defaults row: nothing is saved on a GET
    return render(request, "settings.html", {
        "thresholds": {"time_limit_minutes": row.time_limit_minutes, "repeat_contacts": row.repeat_contacts,
                       "repeat_days": row.repeat_days},
        "company": {k: getattr(row, k) or "" for k in company_settings.PROFILE_FIELDS},
        "company_fields": company_settings.PROFILE_FIELDS,
        "sites": sites,
        "users": users,
        "user_sites": user_sites,
        "role_options": [(r, t(f"roles.{r}")) for r in ROLES],
        "errors": errors or {},
        "form": form or {},
    }, status_code=status_code)


@router.get("/settings", response_class=HTMLResponse)
@page_errors
def settings_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    require_user(request, user, ADMINS)
    return guarded(request, session, lambda: _page(request, session))


def _int(form: Any, key: str, field: str, problems: list[FieldProblem]) -> int | None:
    raw = str(form.get(key) or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not raw.isdigit():
        problems.append(FieldProblem(field, Message("1以上の整数を入力してください", "enter a whole number of at least 1")))
        return None
    return int(raw)


def _save(request: Request, session: Session, work: Callable[[], None], *, done_key: str,
          form: dict[str, Any], prefix: str = "") -> Response:
    """Run one write and redirect, or show the settings page with the errors next to the fields."""
    t = translator(request)
    try:
        work()
        session.commit()
    except InputError as exc:
        session.rollback()
        errors = {prefix + k: v for k, v in field_errors(exc, t).items()}
        return guarded(request, session, lambda: _page(request, session, errors=errors, form=form, status_code=422))
    return redirect("/settings", key=done_key)


@router.post("/settings/thresholds", response_model=None)
@page_errors
async def save_thresholds(request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user, ADMINS)
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in company_settings.THRESHOLD_FIELDS}

    def work() -> None:
        problems: list[FieldProblem] = []
        changes = {k: _int(form, k, f"thresholds.{k}", problems) for k in company_settings.THRESHOLD_FIELDS}
        if problems:
            raise InputError(problems)
        company_settings.update(session=session, actor=me, changes=changes)

    return _save(request, session, work, done_key="settings.thresholds_saved", form={"thresholds": values})


@router.post("/settings/company", response_model=None)
@page_errors
async def save_company(request: Request, session: SessionDep, user: PageUser) -> Response:
    """The company profile: name, place (its ordinances apply to the guided judgment), desk contact."""
    me = require_user(request, user, ADMINS)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in company_settings.PROFILE_FIELDS}

    def work() -> None:
        changes: dict[str, Any] = {k: v for k, v in values.items() if k not in ("prefecture_code", "municipality_code")}
        for key in ("prefecture_code", "municipality_code"):
            changes[key] = values[key] or None
        company_settings.update(session=session, actor=me, changes=changes)
        cleared = [k for k in ("prefecture_code", "municipality_code") if not values[k]]
        if cleared:  # the service skips empty values; clearing the place is a change of its own
            row = company_settings.get(session=session)
            for key in cleared:
                setattr(row, key, None)
            audit.record(session, actor=me, action="settings.update", target_type="company_settings",
                         target_id=company_settings.SETTINGS_ID, detail={"cleared": cleared})

    return _save(request, session, work, done_key="settings.company_saved", form={"company": values},
                 prefix="company.")


@router.post("/settings/sites", response_model=None)
@page_errors
async def add_site(request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user, ADMINS)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("code", "name", "prefecture_code", "municipality_code")}

    def work() -> None:
        site_service.create(session=session, actor=me, code=values["code"], name=values["name"],
                            prefecture_code=values["prefecture_code"] or None,
                            municipality_code=values["municipality_code"] or None)

    return _save(request, session, work, done_key="settings.site_added", form={"site": values}, prefix="site.")


@router.post("/settings/sites/{site_id}", response_model=None)
@page_errors
async def update_site(site_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user, ADMINS)
    form = await request.form()
    name = str(form.get("name") or "").strip()
    active = form.get("is_active") == "1"

    def work() -> None:
        site_service.update(session=session, actor=me, site_id=site_id, name=name or None, is_active=active)

    return _save(request, session, work, done_key="settings.site_saved", form={}, prefix=f"site{site_id}.")


@router.post("/settings/users", response_model=None)
@page_errors
async def add_user(request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user, ADMINS)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("email", "display_name", "role")}
    password = str(form.get("password") or "")
    site_ids = [int(str(v)) for v in form.getlist("site_ids") if str(v).isdigit()]

    def work() -> None:
        if len(password) < 12:
            raise InputError([FieldProblem("password", Message("12文字以上にしてください", "use at least 12 characters"))])
        user_service.create(session=session, actor=me, email=values["email"], display_name=values["display_name"],
                            role=values["role"], password=password, site_ids=site_ids)

    return _save(request, session, work, done_key="settings.user_added", form={"user": values}, prefix="user.")


@router.post("/settings/users/{user_id}", response_model=None)
@page_errors
async def update_user(user_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    me: User = require_user(request, user, ADMINS)
    form = await request.form()
    role = str(form.get("role") or "")
    active = form.get("is_active") == "1"
    site_ids = [int(str(v)) for v in form.getlist("site_ids") if str(v).isdigit()]

    def work() -> None:
        user_service.update(session=session, actor=me, user_id=user_id, role=role or None, is_active=active,
                            site_ids=site_ids)

    return _save(request, session, work, done_key="settings.user_saved", form={}, prefix=f"user{user_id}.")
