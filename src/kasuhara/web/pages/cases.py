"""Cases: the list (filters, saved views) and the case page (timeline, judgment snapshot, evidence,
decisions, the customer's history, and only the workflow buttons the user's role may use).

Every read and write goes through the case-file services, so access rules and the audit trail
are the API's own; this module only shapes pages and forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from kasuhara.errors import ConflictError, FieldProblem, InputError, Message
from kasuhara.knowledge import load_knowledge_base
from kasuhara.knowledge.vocabulary import CHANNELS, DETERMINATIONS
from kasuhara.services import access, workflow
from kasuhara.services import customers as customer_service
from kasuhara.services import decisions as decision_service
from kasuhara.services import evidence as evidence_service
from kasuhara.services import incidents as incident_service
from kasuhara.services import judgments as judgment_service
from kasuhara.services import sites as site_service
from kasuhara.services import suggestions as suggestion_service
from kasuhara.services.incidents import JST, Filters, as_aware
from kasuhara.store.models.decisions import DECISION_KINDS
from kasuhara.store.models.evidence import EVIDENCE_KINDS
from kasuhara.store.models.saved_views import SavedView
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow
from kasuhara.web.deps import EvidenceStoreDep, SessionDep, SettingsDep
from kasuhara.web.pages._assessment import result_view
from kasuhara.web.pages._common import (
    PageError,
    PageUser,
    error_page,
    field_errors,
    guarded,
    local_time,
    page_errors,
    require_user,
)
from kasuhara.web.pages._flowchart import flowchart
from kasuhara.web.pages._screening import screen_view
from kasuhara.web.templating import NavItem, redirect, render, translator

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem(key="nav.cases", href="/cases", signed_in=True, order=30)]

PAGE_SIZE = 25
FILTER_KEYS = ("status", "site_id", "determination", "behaviour", "from", "to", "customer_id")


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(params: dict[str, str]) -> tuple[Filters, dict[str, str]]:
    """Service filters from the query string; bad values are dropped with a message per field."""
    problems: dict[str, str] = {}
    status = params.get("status") or None
    if status and status not in workflow.STATUSES:
        problems["status"], status = "status", None
    determination = params.get("determination") or None
    if determination and determination not in DETERMINATIONS:
        problems["determination"], determination = "determination", None
    behaviour = params.get("behaviour") or None
    if behaviour and behaviour not in load_knowledge_base().behaviour_ids:
        problems["behaviour"], behaviour = "behaviour", None
    site = params.get("site_id", "")
    customer = params.get("customer_id", "")
    start, end = _parse_date(params.get("from", "")), _parse_date(params.get("to", ""))
    if params.get("from") and start is None:
        problems["from"] = "from"
    if params.get("to") and end is None:
        problems["to"] = "to"
    filters = Filters(
        status=status,
        site_id=int(site) if site.isdigit() else None,
        determination=determination,
        behaviour=behaviour,
        customer_id=int(customer) if customer.isdigit() else None,
        occurred_from=datetime(start.year, start.month, start.day, tzinfo=JST) if start else None,
        occurred_to=datetime(end.year, end.month, end.day, tzinfo=JST) + timedelta(days=1) if end else None,
    )
    return filters, problems


def _export_params(filters: Filters) -> dict[str, str]:
    """The same filters in the API's names, for the CSV export link (UTF-8 with BOM for Excel)."""
    out = {k: str(v) for k, v in (("site_id", filters.site_id), ("status", filters.status),
                                  ("behaviour", filters.behaviour), ("determination", filters.determination),
                                  ("customer_id", filters.customer_id)) if v is not None}
    if filters.occurred_from is not None:
        out["occurred_from"] = filters.occurred_from.isoformat()
    if filters.occurred_to is not None:
        out["occurred_to"] = filters.occurred_to.isoformat()
    return out


def _site_names(session: Session) -> dict[int, str]:
    return {s.id: s.name for s in site_service.list_sites(session=session, include_inactive=True)}


def _views(session: Session, user: User) -> list[SavedView]:
    return list(session.scalars(select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name)))


def _age_days(incident: Any) -> int:
    return max(0, (utcnow() - as_aware(incident.occurred_at)).days)


@router.get("/cases", response_class=HTMLResponse)
@page_errors
def cases_list(request: Request, session: SessionDep, user: PageUser) -> Response:
    """The cases this user may see, newest first, filtered by the query string."""
    me = require_user(request, user)

    def page() -> Response:
        t = translator(request)
        params = {k: request.query_params.get(k, "").strip() for k in FILTER_KEYS}
        filters, bad = filters_from(params)
        number = request.query_params.get("page", "1")
        current = int(number) if number.isdigit() and int(number) > 0 else 1
        rows, total = incident_service.list_incidents(
            session=session, actor=me, filters=filters, limit=PAGE_SIZE, offset=(current - 1) * PAGE_SIZE
        )
        session.commit()
        names = _site_names(session)
        kb = load_knowledge_base()
        query = urlencode({k: v for k, v in params.items() if v})
        pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
        return render(request, "cases/list.html", {
            "rows": [
                {
                    "id": r.id, "title": r.title, "site": names.get(r.site_id, ""),
                    "occurred": local_time(r.occurred_at), "channel": t.message(CHANNELS.get(r.channel)),
                    "status": r.status, "status_label": t(f"cases.status.{r.status}"),
                    "determination": r.determination or "",
                    "determination_label": t(f"dashboard.det.{r.determination}") if r.determination else t("cases.not_judged"),
                    "age": _age_days(r) if r.status != "closed" else None,
                }
                for r in rows
            ],
            "total": total, "page": current, "pages": pages, "params": params, "query": query,
            "bad": {k: t("cases.bad_filter") for k in bad},
            "site_options": sorted(names.items(), key=lambda item: item[1]),
            "status_options": [(s, t(f"cases.status.{s}")) for s in workflow.STATUSES],
            "determination_options": [(d, t(f"dashboard.det.{d}")) for d in DETERMINATIONS],
            "behaviour_options": [(b.id, t.message(b.label)) for b in kb.behaviours],
            "views": _views(session, me),
            "export_query": urlencode(_export_params(filters)),
            "can_save_views": True,
        })

    return guarded(request, session, page)


@router.post("/cases/views", response_model=None)
@page_errors
def save_view(request: Request, session: SessionDep, user: PageUser,
              name: Annotated[str, Form(max_length=200)] = "",
              query: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Keep the current filters under a name (per user)."""
    me = require_user(request, user)
    clean = name.strip()
    if not clean:
        return redirect("/cases?" + query, key="cases.view_name_missing", level="error")
    allowed = {k: v for k, v in _parse_query(query).items() if k in FILTER_KEYS and v}
    existing = session.scalars(select(SavedView).where(SavedView.user_id == me.id, SavedView.name == clean)).first()
    if existing is not None:
        existing.query = urlencode(allowed)
    else:
        session.add(SavedView(user_id=me.id, name=clean[:100], query=urlencode(allowed)))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return redirect("/cases?" + query, key="cases.view_name_missing", level="error")
    return redirect("/cases?" + urlencode(allowed), key="cases.view_saved")


def _parse_query(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query.lstrip("?"), keep_blank_values=False))


@router.post("/cases/views/{view_id}/delete", response_model=None)
@page_errors
def delete_view(view_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user)
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != me.id:
        return error_page(request, PageError("NotFoundError"))
    session.delete(view)
    session.commit()
    return redirect("/cases", key="cases.view_deleted")


def _transitions_for(user: User, session: Session, incident: Any) -> list[dict[str, Any]]:
    """Only the moves this user's role may make from the case's current status."""
    if not access.can_work(session, user, incident):
        return []
    out = []
    for step in workflow.TRANSITIONS:
        if step.source == incident.status and user.role in step.roles:
            out.append({"to": step.target, "reason_required": step.reason_required})
    return out


def case_context(request: Request, session: Session, me: User, incident_id: int) -> dict[str, Any]:
    """Everything the case page shows, read through the services (each read is audited)."""
    t = translator(request)
    incident = incident_service.read(session=session, actor=me, incident_id=incident_id)
    events = incident_service.timeline(session=session, actor=me, incident_id=incident_id)
    snapshots = judgment_service.list_for(session=session, actor=me, incident_id=incident_id)
    files = evidence_service.list_for(session=session, actor=me, incident_id=incident_id)
    decisions = decision_service.list_for(session=session, actor=me, incident_id=incident_id)
    names = _site_names(session)
    people = {u.id: u.display_name for u in session.scalars(select(User))}
    history = None
    customer = None
    if incident.customer_id and me.role in access.CUSTOMER_READERS:
        found = customer_service.history(session=session, actor=me, customer_id=incident.customer_id)
        customer = found.customer
        history = [
            {"id": i.id, "title": i.title, "occurred": local_time(i.occurred_at), "status": i.status,
             "status_label": t(f"cases.status.{i.status}"),
             "determination_label": t(f"guide.det.{i.determination}") if i.determination else t("cases.not_judged"),
             "current": i.id == incident.id}
            for i in found.incidents
        ]
    latest = snapshots[-1] if snapshots else None
    can_work = access.can_work(session, me, incident)
    try:
        screened = suggestion_service.current(session=session, incident=incident)
    except InputError:
        screened = suggestion_service.Suggestions(())
    preview = None if latest is not None else (dict(screened.assessment) or _preview(session, incident))
    return {
        "incident": incident,
        "site": names.get(incident.site_id, ""),
        "occurred": local_time(incident.occurred_at),
        "channel": t.message(CHANNELS.get(incident.channel)),
        "status_label": t(f"cases.status.{incident.status}"),
        "reporter": people.get(incident.reporter_id, ""),
        "events": [
            {"at": local_time(e.at), "kind": e.kind, "label": t(f"cases.event.{e.kind}") if t.has(f"cases.event.{e.kind}") else e.kind,
             "actor": people.get(e.actor_id or 0, ""), "reason": e.reason,
             "from": t(f"cases.status.{e.from_status}") if e.from_status else "",
             "to": t(f"cases.status.{e.to_status}") if e.to_status else "",
             "detail_kind": t(f"cases.decision_kind.{e.detail.get('kind')}") if e.kind == "decision" and e.detail.get("kind") in DECISION_KINDS
             else _screening_event(e.detail, t) if e.kind == suggestion_service.EVENT_KIND else ""}
            for e in reversed(events)
        ],
        "snapshot": latest,
        "snapshot_at": local_time(latest.created_at) if latest else "",
        "snapshot_count": len(snapshots),
        "result": result_view(latest.assessment, t) if latest else result_view(preview, t) if preview else None,
        "chart": flowchart(latest.assessment, t) if latest else flowchart(preview, t) if preview else None,
        "preview": preview is not None,
        "files": [{"id": f.id, "name": f.filename, "kind": t(f"report.evidence_kind.{f.kind}"), "size": f.size_bytes,
                   "type": f.content_type, "sha256": f.sha256, "at": local_time(f.uploaded_at)} for f in files],
        "decisions": [{"kind": d.kind, "label": t(f"cases.decision_kind.{d.kind}"), "reason": d.reason,
                       "by": people.get(d.decided_by, ""), "at": local_time(d.decided_at)} for d in decisions],
        "customer": customer,
        "history": history,
        "transitions": [dict(tr, label=t(f"cases.move_to.{tr['to']}")) for tr in _transitions_for(me, session, incident)],
        "can_work": can_work,
        "can_attach": access.can_attach(session, me, incident),
        "decision_options": [(k, t(f"cases.decision_kind.{k}")) for k in DECISION_KINDS],
        "evidence_kinds": [(k, t(f"report.evidence_kind.{k}")) for k in EVIDENCE_KINDS],
        "recommended": [a["label"] for a in (result_view(latest.assessment, t)["actions"] if latest else [])][:6],
        "suggestions": suggestions_view(screened, t, people, incident.facts.get("utterances") or []),
        "may_decide": suggestion_service.may_decide(session, me, incident),
    }


def _screening_event(detail: dict[str, Any], t: Any) -> str:
    """What a screening line of the timeline says: each behaviour and what became of it."""
    kb = load_knowledge_base()
    decided = detail.get("decided") or {}
    parts = []
    for bid in list(detail.get("suggested") or {}) + [b for b in decided if b not in (detail.get("suggested") or {})]:
        label = t.message(kb.behaviour(bid).label) if bid in kb.behaviour_ids else str(bid)
        status = (decided.get(bid) or {}).get("status", "suggested")
        parts.append(f"{label} → {t(f'cases.suggestion_status.{status}')}" if status in suggestion_service.STATUSES else label)
    return str(t("punct.sep")).join(parts)


def suggestions_view(screened: suggestion_service.Suggestions, t: Any, people: dict[int, str],
                     utterances: Sequence[str]) -> dict[str, Any] | None:
    """The case's screened suggestions as the page shows them, and what is at stake if confirmed.

    The utterances are marked exactly as the report page marked them (the same view of the same
    screening), and the list follows the marks' numbers.
    """
    if not screened.items:
        return None
    marked = screen_view("\n".join(str(u) for u in utterances), t) if utterances else None
    numbers = {f["id"]: f["number"] for f in (marked or {}).get("findings", [])}
    items = [{
        "id": s.behaviour_id, "label": t.message(s.label) or s.behaviour_id, "status": s.status,
        "status_label": t(f"cases.suggestion_status.{s.status}"), "source": s.source,
        "needs_review": s.needs_review, "evidence": list(s.evidence), "score": round(s.score, 2),
        "by": people.get(s.decided_by or 0, "") if s.decided_by else "",
        "at": local_time(s.decided_at) if s.decided_at else "",
        "number": numbers.get(s.behaviour_id),
    } for s in screened.items]
    items.sort(key=lambda item: (item["number"] is None, item["number"] or 0))
    at_stake = None
    what_if = screened.if_confirmed
    if what_if is not None:
        changes = what_if.get("changes") or {}
        added = set(changes.get("actions_added") or [])
        at_stake = {
            "determination": str(what_if.get("determination", "")),
            "determination_label": t(f"guide.det.{what_if.get('determination')}"),
            "changes": bool(changes.get("determination")),
            "actions": [t.message(a.get("label")) for a in what_if.get("actions", []) if a.get("id") in added],
            "offences": [t.message(o.get("name")) for o in what_if.get("offences", [])
                         if o.get("id") in set(changes.get("offences_added") or [])],
        }
    return {"rows": items, "at_stake": at_stake, "version": screened.screener_version,
            "segments": marked["segments"] if marked and numbers else [],
            "pending": sum(1 for s in screened.items if s.status == "suggested")}



def _preview(session: Session, incident: Any) -> dict[str, Any] | None:
    """A judgment of the reported facts that is shown but not stored (until a supervisor judges)."""
    if not incident.facts:
        return None
    try:
        return judgment_service.assess(session=session, incident=incident)
    except InputError:
        return None


def _case_page(request: Request, session: Session, me: User, incident_id: int, *,
               errors: dict[str, str] | None = None, status_code: int = 200,
               form: dict[str, str] | None = None) -> Response:
    context = case_context(request, session, me, incident_id)
    session.commit()
    context.update({"errors": errors or {}, "form": form or {}})
    return render(request, "cases/detail.html", context, status_code=status_code)


@router.get("/cases/{incident_id}", response_class=HTMLResponse)
@page_errors
def case_page(incident_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user)
    return guarded(request, session, lambda: _case_page(request, session, me, incident_id))


def _write(request: Request, session: Session, me: User, incident_id: int, action: Any, *,
           done_key: str, form: dict[str, str], strip: str = "") -> Response:
    """Run one write; field errors come back on the case page next to the form that sent them."""
    t = translator(request)
    try:
        action()
        session.commit()
    except InputError as exc:
        session.rollback()
        problems = field_errors(exc, t, strip=strip)
        return guarded(request, session, lambda: _case_page(
            request, session, me, incident_id, errors=problems, status_code=422, form=form))
    except ConflictError as exc:
        session.rollback()
        conflict = {"conflict": exc.text(t.lang)}
        return guarded(request, session, lambda: _case_page(
            request, session, me, incident_id, errors=conflict, status_code=409, form=form))
    return redirect(f"/cases/{incident_id}", key=done_key)


@router.post("/cases/{incident_id}/transition", response_model=None)
@page_errors
def move_case(incident_id: int, request: Request, session: SessionDep, user: PageUser,
              to: Annotated[str, Form(max_length=20)] = "", version: Annotated[str, Form(max_length=12)] = "",
              reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    me = require_user(request, user)

    def act() -> None:
        if not version.isdigit():
            raise InputError([FieldProblem("version", Message("版がありません", "missing version"))])
        incident_service.transition(session=session, actor=me, incident_id=incident_id, to=to,
                                    version=int(version), reason=reason)

    return guarded(request, session, lambda: _write(
        request, session, me, incident_id, act, done_key="cases.moved", form={"reason": reason, "to": to}))


@router.post("/cases/{incident_id}/decisions", response_model=None)
@page_errors
def record_decision(incident_id: int, request: Request, session: SessionDep, user: PageUser,
                    kind: Annotated[str, Form(max_length=20)] = "",
                    reason: Annotated[str, Form(max_length=4000)] = "") -> Response:
    me = require_user(request, user)

    def act() -> None:
        snapshots = judgment_service.list_for(session=session, actor=me, incident_id=incident_id)
        decision_service.create(session=session, actor=me, incident_id=incident_id, kind=kind, reason=reason,
                                judgment_id=snapshots[-1].id if snapshots else None)

    return guarded(request, session, lambda: _write(
        request, session, me, incident_id, act, done_key="cases.decided",
        form={"decision_kind": kind, "decision_reason": reason}))


@router.post("/cases/{incident_id}/judge", response_model=None)
@page_errors
def run_judgment(incident_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    me = require_user(request, user)

    def act() -> None:
        judgment_service.run(session=session, actor=me, incident_id=incident_id)

    return guarded(request, session, lambda: _write(request, session, me, incident_id, act,
                                                    done_key="cases.judged", form={}))


@router.post("/cases/{incident_id}/suggestions/{behaviour_id}", response_model=None)
@page_errors
def decide_suggestion(incident_id: int, behaviour_id: str, request: Request, session: SessionDep, user: PageUser,
                      decision: Annotated[str, Form(max_length=20)] = "",
                      version: Annotated[str, Form(max_length=12)] = "") -> Response:
    """One tap: confirm or reject a screened suggestion; the judgment follows at once."""
    me = require_user(request, user)

    def act() -> None:
        suggestion_service.decide(session=session, actor=me, incident_id=incident_id, behaviour_id=behaviour_id[:60],
                                  decision=decision, version=int(version) if version.isdigit() else None)

    key = "cases.suggestion_rejected" if decision == "reject" else "cases.suggestion_confirmed"
    return guarded(request, session, lambda: _write(request, session, me, incident_id, act, done_key=key, form={}))


@router.post("/cases/{incident_id}/notes", response_model=None)
@page_errors
def add_note(incident_id: int, request: Request, session: SessionDep, user: PageUser,
             text: Annotated[str, Form(max_length=4000)] = "") -> Response:
    me = require_user(request, user)

    def act() -> None:
        incident_service.add_note(session=session, actor=me, incident_id=incident_id, text=text)

    return guarded(request, session, lambda: _write(request, session, me, incident_id, act,
                                                    done_key="cases.noted", form={"note": text}))


@router.post("/cases/{incident_id}/evidence", response_model=None)
@page_errors
async def add_evidence(incident_id: int, request: Request, session: SessionDep, user: PageUser,
                       settings: SettingsDep, store: EvidenceStoreDep) -> Response:
    me = require_user(request, user)
    form = await request.form()
    uploads: Sequence[Any] = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    kind = str(form.get("kind") or "other")
    stored: list[Any] = []

    def act() -> None:
        if not uploads:
            raise InputError([FieldProblem("file", Message("ファイルを選んでください", "choose a file"))])
        for upload in uploads:
            stored.append(evidence_service.upload(
                session=session, store=store, actor=me, incident_id=incident_id, stream=upload.file,
                filename=upload.filename or "evidence", kind=kind if kind in EVIDENCE_KINDS else "other",
                max_bytes=settings.max_upload_bytes,
            ))

    try:
        response = guarded(request, session, lambda: _write(request, session, me, incident_id, act,
                                                            done_key="cases.evidence_added", form={}))
    except BaseException:
        for row in stored:
            store.delete(row.storage_key)
        raise
    if response.status_code != 303:
        for row in stored:
            store.delete(row.storage_key)
    return response
