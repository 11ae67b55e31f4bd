"""Report an incident: the facts, the site, the customer if known, evidence and a pasted transcript.

The whole report is one transaction: the incident, a new customer, the uploaded files and the
transcript (stored as a write-once text evidence file) are saved together or not at all; a file
the evidence service refuses undoes everything and the form comes back with the error next to
the file field. The transcript is screened on the page ("screen" button, or as you type when
JavaScript is on) with the flagged words highlighted and explained, by the same function the
saved case uses; each screened behaviour is a suggestion the reporter confirms or rejects with
one tap, and only confirmed ones count in the judgment.
"""

from __future__ import annotations

import contextlib
import io
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.knowledge import load_knowledge_base
from kasuhara.knowledge.vocabulary import CHANNELS, DEMAND_KINDS, VALIDITIES
from kasuhara.services import access
from kasuhara.services import customers as customer_service
from kasuhara.services import evidence as evidence_service
from kasuhara.services import incidents as incident_service
from kasuhara.services import judgments as judgment_service
from kasuhara.services import screening as screening_service
from kasuhara.services import sites as site_service
from kasuhara.services import suggestions as suggestion_service
from kasuhara.services.incidents import JST
from kasuhara.store.models.evidence import EVIDENCE_KINDS, Evidence
from kasuhara.store.models.users import User
from kasuhara.web.deps import EvidenceStoreDep, SessionDep, SettingsDep
from kasuhara.web.pages._assessment import company_thresholds, complete_facts
from kasuhara.web.pages._common import PageUser, csrf_ok, field_errors, guarded, page_errors, require_user
from kasuhara.web.pages._screening import MAX_TEXT, decisions_from, screen_view
from kasuhara.web.pages.guide import decode_state
from kasuhara.web.templating import NavItem, redirect, render, translator

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem(key="nav.report", href="/report", roles=tuple(sorted(access.REPORTERS)), order=20)]

TRISTATE = ("", "yes", "no")
INFERRED = ("repeated_contact", "prolonged_restraint")


def _sites_for(session: Any, user: User) -> list[Any]:
    sites = site_service.list_sites(session=session)
    if user.role in ("admin", "desk", "auditor"):
        return sites
    allowed = access.site_ids(session, user)
    return [s for s in sites if s.id in allowed]


def _vocab(t: Any) -> dict[str, list[tuple[str, str]]]:
    kb = load_knowledge_base()
    return {
        "channels": [(k, t.message(v)) for k, v in CHANNELS.items()],
        "demand_kinds": [(k, t.message(v)) for k, v in DEMAND_KINDS.items()],
        "validities": [(k, t.message(v)) for k, v in VALIDITIES.items()],
        "behaviours": [(b.id, t.message(b.label)) for b in kb.behaviours if b.id not in INFERRED],
        "evidence_kinds": [(k, t(f"report.evidence_kind.{k}")) for k in EVIDENCE_KINDS],
    }


def _from_guide(state: str) -> dict[str, Any]:
    """Form values from the guided judgment's answers (one tap from its result)."""
    from kasuhara.interview import walk

    answers = decode_state(state)
    if not answers:
        return {}
    facts = walk(answers).facts
    demand = facts.get("demand", {})
    contacts = facts.get("contacts_in_period", {})
    values: dict[str, Any] = {
        "channel": facts.get("channel", ""),
        "behaviours": list(facts.get("behaviours", [])),
        "demand_kind": demand.get("kind", ""),
        "demand_validity": demand.get("validity", ""),
        "related": _yes_no(demand.get("related_to_service")),
        "duration_minutes": facts.get("duration_minutes", ""),
        "contacts_count": contacts.get("count", ""),
        "asked_to_leave": facts.get("asked_to_leave", ""),
        "injury": _yes_no(facts.get("injury")),
        "public": _yes_no(facts.get("public")),
        "transcript": "\n".join(facts.get("utterances", [])),
        "from_guide": True,
    }
    return values


def _yes_no(value: object) -> str:
    return "yes" if value is True else "no" if value is False else ""


def _blank_values() -> dict[str, Any]:
    return {
        "title": "", "site_id": "", "occurred_at": datetime.now(JST).strftime("%Y-%m-%dT%H:%M"),
        "channel": "in_person", "summary": "", "customer_id": "", "customer_name": "", "customer_phone": "",
        "customer_email": "", "customer_note": "", "behaviours": [], "demand_kind": "", "demand_validity": "",
        "related": "", "duration_minutes": "", "contacts_count": "", "asked_to_leave": "", "injury": "",
        "public": "", "transcript": "", "evidence_kind": "recording", "from_guide": False, "decisions": {},
    }


def _values_from_form(form: FormData) -> dict[str, Any]:
    values = _blank_values()
    for key in list(values):
        if key == "behaviours":
            values[key] = [str(v) for v in form.getlist("behaviours")]
        elif key == "decisions":
            values[key] = decisions_from(form)
        elif key != "from_guide":
            raw = form.get(key)
            values[key] = raw.strip() if isinstance(raw, str) else values[key] if key == "occurred_at" else ""
    return values


def _int_field(values: dict[str, Any], key: str, problems: list[FieldProblem], *, low: int = 0) -> int | None:
    raw = str(values.get(key) or "").translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        problems.append(FieldProblem(key, Message("数字（整数）で入力してください", "enter a whole number")))
        return None
    if number < low:
        problems.append(FieldProblem(key, Message(f"{low}以上で入力してください", f"must be at least {low}")))
        return None
    return number


def facts_from_values(values: dict[str, Any], thresholds_days: int) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The judgment's facts from the form (only what was filled in) and any field problems."""
    problems: list[FieldProblem] = []
    facts: dict[str, Any] = {}
    known = {b.id for b in load_knowledge_base().behaviours}
    behaviours = [b for b in values["behaviours"] if b in known]
    if len(behaviours) != len(values["behaviours"]):
        problems.append(FieldProblem("behaviours", Message("不明な言動です", "unknown behaviour")))
    if behaviours:
        facts["behaviours"] = behaviours
    if values["demand_kind"]:
        demand: dict[str, Any] = {"kind": values["demand_kind"]}
        if values["demand_validity"]:
            demand["validity"] = values["demand_validity"]
        if values["related"] in ("yes", "no"):
            demand["related_to_service"] = values["related"] == "yes"
        facts["demand"] = demand
    duration = _int_field(values, "duration_minutes", problems)
    if duration is not None:
        facts["duration_minutes"] = duration
    contacts = _int_field(values, "contacts_count", problems, low=1)
    if contacts is not None:
        facts["contacts_in_period"] = {"count": contacts, "days": thresholds_days}
    asked = _int_field(values, "asked_to_leave", problems)
    if asked is not None:
        facts["asked_to_leave"] = asked
    for key in ("injury", "public"):
        if values[key] in ("yes", "no"):
            facts[key] = values[key] == "yes"
    lines, screened = screening_service.screen_transcript(str(values["transcript"]))
    if lines:
        facts["utterances"] = [line.text for line in lines]
        # only decisions on what the screen suggests for this very text are kept
        suggested = {f.behaviour_id for f in screened.findings}
        decisions = values.get("decisions") or {}
        for key, decision in (("screened_confirmed", "confirm"), ("screened_rejected", "reject")):
            ids = [b for b, d in decisions.items() if d == decision and b in suggested]
            if ids:
                facts[key] = ids
    return (complete_facts(facts) if facts else {}), problems


def _form_page(request: Request, session: Any, user: User, values: dict[str, Any], *,
               errors: dict[str, str] | None = None, screening: dict[str, Any] | None = None,
               screened: bool = False, status_code: int = 200, notice: str = "") -> HTMLResponse:
    t = translator(request)
    if screening is None and values.get("transcript") and (errors or notice):
        # the form came back: keep the suggestions and the decisions already made
        screening, screened = screen_view(values["transcript"], t, values.get("decisions")), True
    can_customers = user.role in access.CUSTOMER_WRITERS
    known_customers: list[Any] = []
    if can_customers:
        known_customers, _ = customer_service.search(session=session, actor=user, limit=200)
    return render(
        request,
        "report/form.html",
        {
            "values": values,
            "errors": errors or {},
            "site_options": [(s.id, s.name) for s in _sites_for(session, user)],
            "vocab": _vocab(t),
            "can_customers": can_customers,
            "customer_options": [(c.id, c.display_name) for c in known_customers],
            "screening": screening,
            "screened": screened,
            "max_text": MAX_TEXT,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/report", response_class=HTMLResponse)
@page_errors
def report_form(request: Request, session: SessionDep, user: PageUser, guide: str = "") -> Response:
    """The empty form, or prefilled from the guided judgment (`?guide=<answers>`)."""
    me = require_user(request, user, access.REPORTERS)

    def page() -> Response:
        values = _blank_values()
        prefill = _from_guide(guide)
        values.update(prefill)
        if prefill:
            t = translator(request)
            values["title"] = t("report.title_from_guide", channel=t.message(CHANNELS.get(values["channel"])))
        sites = _sites_for(session, me)
        if len(sites) >= 1:
            values["site_id"] = str(sites[0].id)
        return _form_page(request, session, me, values)

    return guarded(request, session, page)


@router.post("/report/screen", response_class=HTMLResponse)
@page_errors
async def screen_fragment(request: Request, user: PageUser) -> HTMLResponse:
    """The screening result as an HTML fragment (used by the page's script while typing)."""
    require_user(request, user, access.REPORTERS, check_csrf=False)  # the screener is for reporters only
    form = await request.form()
    text = str(form.get("transcript") or "")[:MAX_TEXT]
    t = translator(request)
    return render(request, "report/_screening.html",
                  {"screening": screen_view(text, t, decisions_from(form)) if text.strip() else None,
                   "screened": bool(text.strip())})


def _upload_files(form: FormData) -> list[UploadFile]:
    return [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]


@router.post("/report", response_model=None)
@page_errors
async def submit_report(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                        store: EvidenceStoreDep) -> Response:
    """Save the report (or, with the screen button, only screen the transcript and come back)."""
    me = require_user(request, user, access.REPORTERS, check_csrf=False)
    form = await request.form()
    values = _values_from_form(form)
    t = translator(request)
    if not csrf_ok(request):  # e.g. the form sat open across a new login: keep what was typed
        return _form_page(request, session, me, values, notice=t("app.csrf_failed"), status_code=403)
    if form.get("action") == "screen":
        view = screen_view(values["transcript"], t, values["decisions"]) if values["transcript"] else None
        return _form_page(request, session, me, values, screening=view, screened=bool(values["transcript"]))
    files = _upload_files(form)
    thresholds = company_thresholds(session)
    facts, problems = facts_from_values(values, thresholds.repeat_days)
    if not values["title"]:
        problems.append(FieldProblem("title", Message("件名を入力してください", "enter a title")))
    if not values["site_id"].isdigit():
        problems.append(FieldProblem("site_id", Message("場所（店舗）を選んでください", "choose the site")))
    occurred = None
    with contextlib.suppress(ValueError):
        occurred = datetime.fromisoformat(values["occurred_at"]) if values["occurred_at"] else None
    if occurred is None:
        problems.append(FieldProblem("occurred_at", Message("日時を正しく入力してください", "enter a valid date and time")))
    if problems:
        view = screen_view(values["transcript"], t, values["decisions"]) if values["transcript"] else None
        return _form_page(request, session, me, values, errors=field_errors(InputError(problems), t), status_code=422,
                          screening=view, screened=bool(values["transcript"]))
    assert occurred is not None
    stored: list[Evidence] = []
    try:
        customer_id = await _customer(session, me, values)
        summary = values["summary"]
        if values["customer_note"] and not customer_id:
            summary = (summary + "\n\n" if summary else "") + t("report.customer_note_prefix") + values["customer_note"]
        incident = incident_service.create(
            session=session, actor=me, site_id=int(values["site_id"]), occurred_at=occurred,
            channel=values["channel"], title=values["title"], summary=summary, facts=facts,
            customer_id=customer_id,
        )
        kind = values["evidence_kind"] if values["evidence_kind"] in EVIDENCE_KINDS else "other"
        for upload in files:
            row = evidence_service.upload(
                session=session, store=store, actor=me, incident_id=incident.id, stream=upload.file,
                filename=upload.filename or "evidence", kind=kind, max_bytes=settings.max_upload_bytes,
            )
            stored.append(row)
        if values["transcript"]:
            row = evidence_service.upload(
                session=session, store=store, actor=me, incident_id=incident.id,
                stream=io.BytesIO(values["transcript"].encode("utf-8")), filename="transcript.txt",
                kind="transcript", description=t("report.transcript_evidence"), max_bytes=settings.max_upload_bytes,
            )
            stored.append(row)
        if facts.get("utterances"):
            suggestion_service.record_report(session=session, actor=me, incident=incident)
        if facts and me.role in access.WORKERS:
            judgment_service.run(session=session, actor=me, incident_id=incident.id)
        session.commit()
    except InputError as exc:
        session.rollback()
        for row in stored:
            store.delete(row.storage_key)
        errors = field_errors(exc, t)
        errors = {("files" if k in ("file", "kind") else k.removeprefix("facts.")): v for k, v in errors.items()}
        return _form_page(request, session, me, values, errors=errors, status_code=422)
    except evidence_service.EvidenceTooLargeError as exc:
        session.rollback()
        for row in stored:
            store.delete(row.storage_key)
        return _form_page(request, session, me, values, errors={"files": exc.text(t.lang)}, status_code=413)
    except BaseException:
        session.rollback()
        for row in stored:
            store.delete(row.storage_key)
        raise
    return redirect(f"/cases/{incident.id}", key="report.saved")


async def _customer(session: Any, me: User, values: dict[str, Any]) -> int | None:
    """An existing customer chosen from the list, or a new one from name/phone/email."""
    if me.role not in access.CUSTOMER_WRITERS:
        return None
    if values["customer_id"].isdigit():
        return int(values["customer_id"])
    identifiers = [(k, values[f"customer_{k}"]) for k in ("phone", "email") if values[f"customer_{k}"]]
    if not values["customer_name"] and not identifiers:
        return None
    try:
        customer = customer_service.create(
            session=session, actor=me, display_name=values["customer_name"] or values["customer_phone"]
            or values["customer_email"], identifiers=identifiers,
        )
    except InputError as exc:
        raise InputError([FieldProblem(_customer_field(p.field), p.message, p.allowed) for p in exc.problems]) from exc
    return int(customer.id)


def _customer_field(name: str) -> str:
    for key in ("phone", "email"):
        if key in name:
            return f"customer_{key}"
    return "customer_name"
