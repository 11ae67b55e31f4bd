"""The dashboard: charts a manager would rather look at than read.

Incidents by month, behaviour, channel and site; the share of legitimate complaints against
harassment; open cases and their age; follow-ups due. Filtered by period and site, and always
limited to the cases the user may see (the same access rule as the cases list). Each chart has a
table beside it, so the numbers are there without JavaScript and for screen readers.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kasuhara.knowledge import load_knowledge_base
from kasuhara.knowledge.vocabulary import CHANNELS, DETERMINATIONS
from kasuhara.services import access
from kasuhara.services import sites as site_service
from kasuhara.services.incidents import JST
from kasuhara.store.models.incidents import Incident, IncidentBehaviour
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow
from kasuhara.web.deps import SessionDep
from kasuhara.web.i18n import Translator
from kasuhara.web.pages._common import PageUser, guarded, page_errors, require_user
from kasuhara.web.templating import NavItem, render, translator

router = APIRouter(include_in_schema=False)

VIEWERS = ("supervisor", "admin", "desk", "auditor")
NAV_ITEMS = [NavItem(key="nav.dashboard", href="/dashboard", roles=VIEWERS, order=40)]
AGE_BUCKETS = ((0, 7), (8, 30), (31, 90), (91, None))


def _period(params: dict[str, str], today: date) -> tuple[date, date]:
    """[start, end] inclusive; default the last 12 months to today."""
    def parse(value: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    end = parse(params.get("to", "")) or today
    start = parse(params.get("from", "")) or date(end.year - 1, end.month, 1) + timedelta(days=31)
    start = start.replace(day=1) if not params.get("from") else start
    if start > end:
        start, end = end, start
    return start, end


def _months(start: date, end: date) -> list[str]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def _month_start(month: str) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=JST)


def _next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + (number == 12):04d}-{number % 12 + 1:02d}"


def _follow_ups(session: Session, today: date) -> dict[str, int]:
    """Open care follow-ups due within a week and already overdue (counts only, no content)."""
    try:
        from kasuhara.store.models.care import CareRecord
    except ImportError:
        return {"due": 0, "overdue": 0}
    try:
        base = select(func.count()).select_from(CareRecord).where(
            CareRecord.status == "open", CareRecord.next_follow_up.is_not(None))
        due = session.scalar(base.where(CareRecord.next_follow_up <= today + timedelta(days=7))) or 0
        overdue = session.scalar(base.where(CareRecord.next_follow_up < today)) or 0
    except SQLAlchemyError:
        session.rollback()
        return {"due": 0, "overdue": 0}
    return {"due": int(due), "overdue": int(overdue)}


def _follow_ups_for(session: Session, user: User, t: Translator) -> dict[str, int | str]:
    """The desk sees today's numbers; everyone else this week's, with small counts shown as 「5件未満」
    (a live count of people in care would move the moment the desk opens a record for someone)."""
    from kasuhara.services.consultations import SMALL_COUNT, japan_today

    today = japan_today()
    if user.role == "desk":
        return dict(_follow_ups(session, today))
    monday = today - timedelta(days=today.weekday())
    return {k: v if v == 0 or v >= SMALL_COUNT else t("desk_access.fewer_than", n=SMALL_COUNT)
            for k, v in _follow_ups(session, monday).items()}


def dashboard_data(session: Session, user: User, t: Translator, *, start: date, end: date,
                   site_id: int | None) -> dict[str, Any]:
    """Every number on the dashboard, computed over the cases this user may see."""
    since = datetime(start.year, start.month, start.day, tzinfo=JST)
    until = datetime(end.year, end.month, end.day, tzinfo=JST) + timedelta(days=1)
    where = [access.visible_clause(session, user), Incident.occurred_at >= since, Incident.occurred_at < until]
    if site_id is not None:
        where.append(Incident.site_id == site_id)
    months = _months(start, end)
    bounds = [_month_start(m) for m in months] + [_month_start(_next_month(months[-1]))]
    is_harassment = Incident.determination == "customer_harassment"
    month_cols = []
    for index in range(len(months)):
        inside = (Incident.occurred_at >= bounds[index]) & (Incident.occurred_at < bounds[index + 1])
        month_cols.append(func.sum(case((inside, 1), else_=0)))
        month_cols.append(func.sum(case((inside & is_harassment, 1), else_=0)))
    month_row = session.execute(select(func.count(), *month_cols).where(*where)).one()
    total = int(month_row[0] or 0)
    by_month = {m: int(month_row[1 + 2 * i] or 0) for i, m in enumerate(months)}
    harassment_by_month = {m: int(month_row[2 + 2 * i] or 0) for i, m in enumerate(months)}

    def grouped(column: Any) -> Counter[Any]:
        return Counter({key: int(n) for key, n in session.execute(
            select(column, func.count()).where(*where).group_by(column)).all()})

    behaviour_counts = Counter({key: int(n) for key, n in session.execute(
        select(IncidentBehaviour.behaviour_id, func.count())
        .join(Incident, Incident.id == IncidentBehaviour.incident_id)
        .where(*where).group_by(IncidentBehaviour.behaviour_id)
    ).all()})
    channels = grouped(Incident.channel)
    sites = grouped(Incident.site_id)
    determinations = Counter({(k or "none"): n for k, n in grouped(Incident.determination).items()})
    now = utcnow()
    age_cols = []
    for low, high in AGE_BUCKETS:
        newest = now - timedelta(days=low)
        condition = Incident.occurred_at <= newest
        if high is not None:
            condition = condition & (Incident.occurred_at > now - timedelta(days=high + 1))
        age_cols.append(func.sum(case((condition, 1), else_=0)))
    age_row = session.execute(
        select(func.count(), *age_cols).where(*where, Incident.status != "closed")).one()
    open_count = int(age_row[0] or 0)
    ages = Counter({i: int(age_row[1 + i] or 0) for i in range(len(AGE_BUCKETS))})
    names = {s.id: s.name for s in site_service.list_sites(session=session, include_inactive=True)}
    kb = load_knowledge_base()
    behaviour_labels = {b.id: t.message(b.label) for b in kb.behaviours}
    top_behaviours = behaviour_counts.most_common()
    judged = sum(v for k, v in determinations.items() if k != "none")
    harassment = determinations.get("customer_harassment", 0)
    legitimate = determinations.get("legitimate_complaint", 0)
    return {
        "total": total,
        "open": open_count,
        "harassment_share": round(100 * harassment / judged) if judged else 0,
        "legitimate_share": round(100 * legitimate / judged) if judged else 0,
        "follow_ups": _follow_ups_for(session, user, t),
        "charts": {
            "month": {
                "type": "bar",
                "labels": months,
                "series": [
                    {"label": t("dashboard.series.all"), "data": [by_month.get(m, 0) for m in months]},
                    {"label": t("dashboard.series.harassment"), "data": [harassment_by_month.get(m, 0) for m in months]},
                ],
            },
            "behaviour": {
                "type": "bar", "horizontal": True,
                "labels": [behaviour_labels.get(b, b) for b, _ in top_behaviours],
                "series": [{"label": t("dashboard.series.incidents"), "data": [n for _, n in top_behaviours]}],
            },
            "channel": {
                "type": "doughnut",
                "labels": [t.message(CHANNELS[c]) if c in CHANNELS else c for c, _ in channels.most_common()],
                "series": [{"label": t("dashboard.series.incidents"), "data": [n for _, n in channels.most_common()]}],
            },
            "site": {
                "type": "bar", "horizontal": True,
                "labels": [names.get(s, str(s)) for s, _ in sites.most_common()],
                "series": [{"label": t("dashboard.series.incidents"), "data": [n for _, n in sites.most_common()]}],
            },
            "determination": {
                "type": "doughnut",
                "labels": [t(f"dashboard.det.{d}") for d in (*DETERMINATIONS, "none")],
                "keys": [*DETERMINATIONS, "none"],
                "series": [{"label": t("dashboard.series.incidents"),
                            "data": [determinations.get(d, 0) for d in (*DETERMINATIONS, "none")]}],
            },
            "age": {
                "type": "bar",
                "labels": [t(f"dashboard.age.{i}") for i in range(len(AGE_BUCKETS))],
                "series": [{"label": t("dashboard.series.open"), "data": [ages.get(i, 0) for i in range(len(AGE_BUCKETS))]}],
            },
        },
    }


@router.get("/dashboard", response_class=HTMLResponse)
@page_errors
def dashboard(request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user, VIEWERS)

    def page() -> Response:
        t = translator(request)
        params = {k: request.query_params.get(k, "").strip() for k in ("from", "to", "site_id")}
        start, end = _period(params, datetime.now(JST).date())
        site_raw = params["site_id"]
        site_id = int(site_raw) if site_raw.isdigit() else None
        data = dashboard_data(session, me, t, start=start, end=end, site_id=site_id)
        session.commit()
        sites = site_service.list_sites(session=session, include_inactive=True)
        if me.role == "supervisor":
            allowed = access.site_ids(session, me)
            sites = [s for s in sites if s.id in allowed]
        return render(request, "dashboard.html", {
            "data": data,
            "chart_json": json.dumps(data["charts"], ensure_ascii=False).replace("<", "\\u003c"),
            "start": start.isoformat(), "end": end.isoformat(), "site_id": site_raw,
            "site_options": [(s.id, s.name) for s in sites],
            "chart_order": ("month", "determination", "behaviour", "channel", "site", "age"),
        })

    return guarded(request, session, page)
