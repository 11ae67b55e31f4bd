"""The desk wall's pages: who is on the desk, pending grants to confirm, and one-time password links.

`/desk/access` shows the desk (and admins) every grant and removal; desk members confirm or refuse
pending grants there, admins ask for grants and send password links. `/password-reset` is where a
member sets their password with the link from their mailbox; it needs no login.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kasuhara.errors import InputError
from kasuhara.services import desk_access as svc
from kasuhara.services import users as users_service
from kasuhara.store.models.users import User
from kasuhara.web.deps import OptionalUser, SessionDep, SettingsDep
from kasuhara.web.pages._common import field_errors, guarded, local_time, require_user
from kasuhara.web.pages._desk import NO_STORE, optional_int, text
from kasuhara.web.pages.consult import NO_FRAME
from kasuhara.web.templating import NavItem, check_csrf, redirect, render, translator

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem(key="desk_access.nav", href="/desk/access", roles=("desk", "admin"), order=62)]
VIEWERS = ("desk", "admin")
RESET_HEADERS = {**NO_STORE, **NO_FRAME}


def _page(request: Request, session: SessionDep, me: User, errors: dict[str, str] | None = None,
          status_code: int = 200) -> Response:
    grants = svc.list_grants(session, actor=me)
    members = svc.desk_members(session)
    others = [u for u in users_service.list_users(session=session) if u.role != "desk" and u.is_active]
    session.commit()
    return render(request, "desk/access.html", {
        "grants": grants, "pending": [g for g in grants if g.status == "pending"], "members": members,
        "candidates": others, "all_users": users_service.list_users(session=session), "me": me,
        "errors": errors or {}, "local_time": local_time,
    }, status_code=status_code, headers=NO_STORE)


@router.get("/desk/access", response_class=HTMLResponse)
def access_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    return guarded(request, session, lambda: _page(request, session, require_user(request, user, VIEWERS)))


@router.post("/desk/access", response_class=HTMLResponse)
async def act(request: Request, session: SessionDep, user: OptionalUser, settings: SettingsDep) -> Response:
    """One handler: request (admin), confirm / refuse (desk), send a password link (admin)."""
    form = await request.form()
    action = text(form, "action", 20)

    def work() -> Response:
        me = require_user(request, user, VIEWERS)
        try:
            if action == "request":
                svc.request_grant(session, actor=me, user_id=optional_int(form, "user_id") or 0)
                key = "desk_access.requested"
            elif action == "confirm":
                svc.confirm_grant(session, actor=me, grant_id=optional_int(form, "grant_id") or 0,
                                  base_url=settings.public_url)
                key = "desk_access.confirmed"
            elif action == "refuse":
                svc.refuse_grant(session, actor=me, grant_id=optional_int(form, "grant_id") or 0)
                key = "desk_access.refused"
            elif action == "reset":
                target = users_service.get(session=session, user_id=optional_int(form, "user_id") or 0)
                svc.issue_reset_link(session, actor=me, user=target, base_url=settings.public_url)
                key = "desk_access.link_sent"
            else:
                return redirect("/desk/access")
        except InputError as exc:
            session.rollback()
            return _page(request, session, me, errors=field_errors(exc, translator(request)), status_code=422)
        session.commit()
        return redirect("/desk/access", key=key)

    return guarded(request, session, work)


@router.get("/password-reset", response_class=HTMLResponse)
def reset_form(request: Request, token: str = "") -> HTMLResponse:
    """The link's page: the token goes into the form (the page sends no referrer and is not cached)."""
    request.state.user = None
    return render(request, "auth/password_reset.html", {"token": token[:200], "errors": {}, "done": False},
                  headers=RESET_HEADERS)


@router.post("/password-reset", response_class=HTMLResponse)
async def reset(request: Request, session: SessionDep) -> HTMLResponse:
    request.state.user = None
    form = await request.form()
    t = translator(request)
    token, password = text(form, "token", 200), str(form.get("password") or "")[:1024]
    errors: dict[str, str] = {}
    if not check_csrf(request, text(form, "csrf_token", 200)):
        errors["form"] = t("desk_access.form_expired")
    elif password != str(form.get("password_again") or "")[:1024]:
        errors["password_again"] = t("desk_access.passwords_differ")
    else:
        try:
            svc.complete_reset(session, token=token, password=password)
            session.commit()
            return render(request, "auth/password_reset.html", {"token": "", "errors": {}, "done": True},
                          headers=RESET_HEADERS)
        except InputError as exc:
            session.rollback()
            errors = field_errors(exc, t)
    return render(request, "auth/password_reset.html", {"token": token, "errors": errors, "done": False},
                  status_code=422, headers=RESET_HEADERS)
