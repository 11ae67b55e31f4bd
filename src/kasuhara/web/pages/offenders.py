"""Repeat-offender pages: alerts, a customer's whole history with proposals, deterrence decisions,
the check at the counter ("is this caller banned?"), and anonymised case studies.

The system proposes; the decide form is shown only to supervisors and admins, needs a reason, and
the decision is recorded with who decided and when it is reviewed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from kasuhara.desk.deterrence import CHANNELS, STEP_LABELS, STEPS
from kasuhara.errors import InputError
from kasuhara.services import offenders as svc
from kasuhara.services.access import CUSTOMER_READERS
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User
from kasuhara.web.api.consultations import today
from kasuhara.web.deps import OptionalUser, SessionDep
from kasuhara.web.pages._common import field_errors, guarded, require_user
from kasuhara.web.pages._desk import optional_date, optional_int, text
from kasuhara.web.templating import NavItem, redirect, render, translator

router = APIRouter(include_in_schema=False)

READERS = tuple(sorted(CUSTOMER_READERS))
NAV_ITEMS = [
    NavItem(key="offenders.nav", href="/offenders", roles=READERS, order=63),
    NavItem(key="offenders.check_nav", href="/offenders/check", signed_in=True, order=64),
]


@router.get("/offenders", response_class=HTMLResponse)
def overview(request: Request, session: SessionDep, user: OptionalUser) -> Response:

    def page() -> Response:
        me = require_user(request, user, READERS)
        return render(request, "offenders/overview.html", {
            "alerts": svc.alerts(session, user=me, open_only=False),
            "reviews": svc.reviews_due(session, user=me, today=today()),
        })

    return guarded(request, session, page)


def _sites(session: Any) -> list[tuple[str, str]]:
    return [(str(s.id), s.name) for s in session.scalars(select(Site).order_by(Site.name))]


@router.get("/offenders/check", response_class=HTMLResponse)
def check_form(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    require_user(request, user)
    return render(request, "offenders/check.html", {"result": None, "values": {}, "errors": {},
                                                    "sites": _sites(session), "channels": _channels(request)})


def _channels(request: Request) -> list[tuple[str, str]]:
    t = translator(request)
    return [(c, t(f"offenders.channel.{c}")) for c in CHANNELS]


@router.post("/offenders/check", response_class=HTMLResponse)
async def check(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Staff enter a phone number or e-mail; a banned customer is recognised at once."""
    me = require_user(request, user)
    form = await request.form()
    values = {k: text(form, k, 254) for k in ("value", "site_id", "channel")}
    try:
        result = svc.recognise(session, user=me, value=values["value"], site_id=optional_int(form, "site_id"),
                               channel=values["channel"] or None)
    except InputError as exc:
        session.rollback()
        return render(request, "offenders/check.html", {
            "result": None, "values": values, "errors": field_errors(exc, translator(request), strip="identifier."),
            "sites": _sites(session), "channels": _channels(request)}, status_code=422)
    session.commit()
    return render(request, "offenders/check.html", {"result": result, "values": values, "errors": {},
                                                    "sites": _sites(session), "channels": _channels(request)})


def _customer_page(request: Request, session: SessionDep, me: User, customer_id: int,
                   errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    t = translator(request)
    history = svc.customer_history(session, user=me, customer_id=customer_id, today=today())
    users = session.scalars(select(User).where(User.is_active).order_by(User.display_name)).all()
    session.commit()
    return render(request, "offenders/customer.html", {
        "h": history, "errors": errors or {}, "can_decide": me.role in svc.DECIDERS,
        "steps": [(s, t.message(STEP_LABELS[s])) for s in STEPS], "channels": _channels(request),
        "sites": _sites(session), "users": [(str(u.id), u.display_name) for u in users],
    }, status_code=status_code)


@router.get("/offenders/customers/{customer_id}", response_class=HTMLResponse)
def customer(customer_id: int, request: Request, session: SessionDep, user: OptionalUser) -> Response:
    return guarded(request, session,
                   lambda: _customer_page(request, session, require_user(request, user, READERS), customer_id))


@router.post("/offenders/customers/{customer_id}", response_class=HTMLResponse)
async def customer_action(customer_id: int, request: Request, session: SessionDep, user: OptionalUser) -> Response:
    form = await request.form()
    action = text(form, "action", 20)

    def work() -> Response:
        me = require_user(request, user, READERS)
        try:
            if action == "decide":
                sites = [int(s) for s in form.getlist("site_ids") if isinstance(s, str) and s.isdigit()]
                svc.decide(
                    session, user=me, customer_id=customer_id, step=text(form, "step", 20),
                    reason=text(form, "reason", 5000), today=today(),
                    channels=[c for c in form.getlist("channels") if isinstance(c, str)],
                    site_ids=None if text(form, "all_sites", 5) == "1" or not sites else sites,
                    review_on=optional_date(form, "review_on"), contact_user_id=optional_int(form, "contact_user_id"),
                    proposed_rule=text(form, "proposed_rule", 60) or None,
                    police_reference=text(form, "police_reference", 100), conduct=text(form, "conduct", 5000),
                    lang=translator(request).lang,
                )
                key = "offenders.decided"
            elif action == "lift":
                decision_id = optional_int(form, "decision_id")
                if decision_id is None:
                    return redirect(f"/offenders/customers/{customer_id}")
                svc.lift(session, user=me, decision_id=decision_id, reason=text(form, "reason", 5000))
                key = "offenders.lifted"
            elif action == "link":
                other = optional_int(form, "other_id")
                if other is None:
                    return redirect(f"/offenders/customers/{customer_id}")
                svc.confirm_match(session, user=me, customer_id=customer_id, other_id=other,
                                  reason=text(form, "reason", 2000))
                key = "offenders.linked"
            elif action == "acknowledge":
                alert_id = optional_int(form, "alert_id")
                if alert_id is not None:
                    svc.acknowledge(session, user=me, alert_id=alert_id)
                key = "offenders.acknowledged"
            else:
                return redirect(f"/offenders/customers/{customer_id}")
        except InputError as exc:
            session.rollback()
            return _customer_page(request, session, me, customer_id,
                                  errors=field_errors(exc, translator(request)), status_code=422)
        session.commit()
        return redirect(f"/offenders/customers/{customer_id}", key=key)

    return guarded(request, session, work)


@router.get("/offenders/case-studies", response_class=HTMLResponse)
def case_studies(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    me = require_user(request, user)
    return render(request, "offenders/case_studies.html", {
        "studies": svc.case_studies(session, user=me), "can_edit": me.role in svc.DECIDERS | {"desk"}, "errors": {},
    })


@router.post("/offenders/case-studies", response_class=HTMLResponse)
async def case_study_action(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    form = await request.form()

    def work() -> Response:
        me = require_user(request, user)
        try:
            if text(form, "action", 20) == "review":
                study_id = optional_int(form, "study_id")
                if study_id is not None:
                    svc.review_case_study(session, user=me, study_id=study_id, title=text(form, "title", 200),
                                          body=text(form, "body"), lessons=text(form, "lessons"),
                                          publish=text(form, "publish", 5) == "1")
            else:
                incident_id = optional_int(form, "incident_id")
                if incident_id is None:
                    return redirect("/offenders/case-studies")
                svc.make_case_study(session, user=me, incident_id=incident_id, lang=translator(request).lang)
        except InputError as exc:
            session.rollback()
            return render(request, "offenders/case_studies.html", {
                "studies": svc.case_studies(session, user=me), "can_edit": True,
                "errors": field_errors(exc, translator(request))}, status_code=422)
        session.commit()
        return redirect("/offenders/case-studies", key="offenders.case_saved")

    return guarded(request, session, work)
