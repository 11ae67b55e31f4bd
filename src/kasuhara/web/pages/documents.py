"""Pages for the documents area: generate and download documents, the self-check, and training.

The documents are built from the stored company settings by `kasuhara.services.documents`;
HTML is shown inside the layout, PDF and DOCX are downloaded. Training shows the module's text
and its quiz; answers are graded on the server and stored per user, and HR sees everyone's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from kasuhara.documents.base import BuildInput
from kasuhara.documents.catalog import kind as document_kind
from kasuhara.documents.legal import legal_context
from kasuhara.documents.selfcheck import ANSWERS, DUTIES, PRIORITIES, applicable
from kasuhara.documents.training import MODULES
from kasuhara.documents.writers import to_html_fragment
from kasuhara.errors import InputError, Message, NotFoundError
from kasuhara.services import company_settings as settings_service
from kasuhara.services import documents as documents_service
from kasuhara.services import selfcheck as selfcheck_service
from kasuhara.services import training as training_service
from kasuhara.store.models.users import User
from kasuhara.web.api.documents import content_disposition
from kasuhara.web.deps import OptionalUser, SessionDep
from kasuhara.web.pages._common import PageError, error_page, field_errors, guarded, local_time, require_user
from kasuhara.web.templating import NavItem, redirect, render, translator

router = APIRouter(include_in_schema=False)
TOKYO = ZoneInfo("Asia/Tokyo")
MAKERS = ("admin", "supervisor", "desk")
SELFCHECK_READERS = ("admin", "auditor", "desk")
HR = tuple(sorted(training_service.HR_ROLES))

NAV_ITEMS = [
    NavItem(key="nav.documents", href="/documents", roles=("admin", "supervisor", "desk", "auditor"), order=60),
    NavItem(key="nav.training", href="/training", order=70, signed_in=True),
]


def _gate(request: Request, user: User | None, roles: tuple[str, ...] = ()) -> User | Response:
    """The user, or the error page for a wrong role (anonymous visitors are sent to log in)."""
    try:
        return require_user(request, user, roles)
    except PageError as exc:
        return error_page(request, exc)


@router.get("/documents", response_class=HTMLResponse, response_model=None)
def documents_page(request: Request, session: SessionDep, user: OptionalUser, incident: str = "") -> Response:
    """Every document kind with a small generate form; `?incident=ID` fills in the case documents."""
    me = _gate(request, user, ("admin", "supervisor", "desk", "auditor"))
    if isinstance(me, Response):
        return me
    return guarded(request, session, lambda: render(request, "documents/index.html", _index_context(
        request, session, me, incident=incident if incident.isdigit() and len(incident) <= 10 else "")))


def _index_context(request: Request, session: SessionDep, me: User, *, incident: str = "",
                   errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> dict[str, object]:
    t = translator(request)
    offered = documents_service.offered_kinds(session=session)
    approvals = documents_service.approvals(session=session)
    session.rollback()  # reading may have created the settings row: nothing is saved on a GET
    return {
        "kinds": offered, "can_make": me.role in MAKERS, "can_selfcheck": me.role in SELFCHECK_READERS,
        "can_hr": me.role in HR, "can_approve": me.role in documents_service.APPROVER_ROLES, "tlang": t.lang,
        "errors": errors or {}, "incident": incident, "approvals": approvals, "form": form or {},
        "rental": any(k.id == "clauses-lease" for k in offered),
    }


@router.post("/documents/generate", response_model=None)
def generate(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    kind: Annotated[str, Form(max_length=40)],
    format: Annotated[str, Form(max_length=4)] = "pdf",
    lang: Annotated[str, Form(max_length=2)] = "ja",
    size: Annotated[str, Form(max_length=2)] = "A4",
    incident_id: Annotated[str, Form(max_length=12)] = "",
    customer_name: Annotated[str, Form(max_length=200)] = "",
    customer_address: Annotated[str, Form(max_length=300)] = "",
    on_behalf_of: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Download a PDF/DOCX, or show the HTML inside the layout."""
    me = _gate(request, user, MAKERS)
    if isinstance(me, Response):
        return me

    def work() -> Response:
        case = int(incident_id) if incident_id.strip().isdigit() else None
        try:
            made = documents_service.generate(
                session=session, actor=me, kind=kind, fmt=format, lang=lang, size=size, incident_id=case,
                extra={"customer_name": customer_name, "customer_address": customer_address, "on_behalf_of": on_behalf_of},
            )
        except InputError as exc:
            session.rollback()
            t = translator(request)
            form = {"customer_name": customer_name, "customer_address": customer_address, "on_behalf_of": on_behalf_of}
            return render(request, "documents/index.html", _index_context(
                request, session, me, incident=incident_id, errors=field_errors(exc, t), form=form), status_code=422)
        session.commit()
        if format == "html":
            return render(request, "documents/preview.html", {
                "title": made.document.title, "body": to_html_fragment(made.document), "filename": made.filename,
                "kind": kind,
            })
        return Response(made.content, media_type=made.media_type,
                        headers={"Content-Disposition": content_disposition(made.filename)})

    return guarded(request, session, work)


@router.post("/documents/approve", response_model=None)
def approve(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    kind: Annotated[str, Form(max_length=40)],
    approver_title: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """An administrator approves a document kind: from now on its signature block names them."""
    me = _gate(request, user, tuple(sorted(documents_service.APPROVER_ROLES)))
    if isinstance(me, Response):
        return me

    def work() -> Response:
        try:
            documents_service.approve(session=session, actor=me, kind=kind, approver_title=approver_title)
        except InputError as exc:
            session.rollback()
            errors = {f"{kind}.{k}": v for k, v in field_errors(exc, translator(request)).items()}
            return render(request, "documents/index.html", _index_context(request, session, me, errors=errors),
                          status_code=422)
        session.commit()
        return redirect(f"/documents#doc-{kind}", key="documents.approved")

    return guarded(request, session, work)


def _selfcheck_context(request: Request, session: SessionDep, editable: bool) -> dict[str, object]:
    t = translator(request)
    result = selfcheck_service.result(session=session, lang=t.lang)
    return {
        "result": result, "answers": selfcheck_service.stored_answers(session=session), "choices": tuple(ANSWERS),
        "editable": editable, "tlang": t.lang, "errors": {}, "duties": DUTIES, "priorities": PRIORITIES,
    }


@router.get("/documents/selfcheck", response_class=HTMLResponse, response_model=None)
def selfcheck_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The score, the questions (system answers fixed), the gaps and what to do."""
    me = _gate(request, user, SELFCHECK_READERS)
    if isinstance(me, Response):
        return me
    return guarded(request, session, lambda: render(
        request, "documents/selfcheck.html", _selfcheck_context(request, session, me.role == "admin")
    ))


@router.post("/documents/selfcheck", response_model=None)
async def selfcheck_save(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    me = _gate(request, user, ("admin",))
    if isinstance(me, Response):
        return me
    form = await request.form()
    row = settings_service.get(session=session)
    law = legal_context(on=datetime.now(TOKYO).date(), lang="ja", prefecture_code=row.prefecture_code or "",
                        municipality_code=row.municipality_code or "")
    _, questions = applicable(law)
    answers = {q.id: str(form.get(f"q_{q.id}")).strip() for q in questions
               if (form.get(f"q_{q.id}") in ANSWERS if q.answer_type == "yesno" else str(form.get(f"q_{q.id}") or "").strip())}
    try:
        selfcheck_service.save_answers(session=session, actor=me, answers=answers)
    except InputError as exc:
        session.rollback()
        context = _selfcheck_context(request, session, True)
        context["errors"] = field_errors(exc, translator(request))
        return render(request, "documents/selfcheck.html", context, status_code=422)
    session.commit()
    return redirect("/documents/selfcheck", key="documents.selfcheck.saved")


@router.get("/training", response_class=HTMLResponse, response_model=None)
def training_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """My modules and their status."""
    me = _gate(request, user)
    if isinstance(me, Response):
        return me
    status = training_service.user_status(session=session, user_id=me.id)
    return render(request, "documents/training.html", {
        "modules": MODULES, "status": status, "can_hr": me.role in HR, "local_time": local_time,
        "tlang": translator(request).lang,
    })


@router.get("/training/completions", response_class=HTMLResponse, response_model=None)
def completions_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Everyone's training status, for HR."""
    me = _gate(request, user, HR)
    if isinstance(me, Response):
        return me
    rows = training_service.completions(session=session, actor=me)
    session.commit()
    return render(request, "documents/completions.html", {
        "rows": rows, "modules": MODULES, "local_time": local_time, "tlang": translator(request).lang,
    })


def _module_or_404(module: str) -> str:
    if module not in MODULES:
        raise PageError("NotFoundError")
    return module


@router.get("/training/{module}", response_class=HTMLResponse, response_model=None)
def module_page(request: Request, session: SessionDep, user: OptionalUser, module: str) -> Response:
    """The module's text (from the same template as the printed module) and its quiz."""
    gate = _gate(request, user)
    if isinstance(gate, Response):
        return gate
    t = translator(request)

    def work() -> Response:
        _module_or_404(module)
        profile = documents_service.company_profile(session=session)
        doc = document_kind(f"training-{module}").build(
            BuildInput(company=profile, lang=t.lang, on=datetime.now(TOKYO).date(), extra={"without_quiz": True})
        )
        return render(request, "documents/module.html", {
            "module": module, "title": MODULES[module].in_(t.lang), "body": to_html_fragment(doc),
            "quiz": [q.to_dict(t.lang) for q in training_service.quiz_for(session=session, user=gate, module=module)],
            "tlang": t.lang, "errors": {},
        })

    return guarded(request, session, work)


@router.post("/training/{module}", response_model=None)
async def module_submit(request: Request, session: SessionDep, user: OptionalUser, module: str) -> Response:
    """Grade the quiz, store the attempt, show the score and the explanations."""
    me = _gate(request, user)
    if isinstance(me, Response):
        return me
    t = translator(request)

    if module not in MODULES:
        return error_page(request, NotFoundError(Message("研修がありません", "no such training module")))
    form = await request.form()

    def work() -> Response:
        questions = training_service.quiz_for(session=session, user=me, module=module)
        answers = {q.id: str(form.get(f"q{i}")) for i, q in enumerate(questions) if form.get(f"q{i}")}
        result = training_service.grade_for(session=session, user=me, module=module, answers=answers)
        row = training_service.submit(session=session, user=me, module=module, answers=answers)
        session.commit()
        review = [
            {"n": i + 1, "prompt": q.prompt.in_(t.lang),
             "answer": next(c.label.in_(t.lang) for c in q.choices if c.id == q.answer),
             "explanation": q.explanation.in_(t.lang), "correct": q.id not in result.wrong}
            for i, q in enumerate(questions)
        ]
        return render(request, "documents/result.html", {
            "module": module, "title": MODULES[module].in_(t.lang), "attempt": row, "review": review,
            "tlang": t.lang,
        })

    return guarded(request, session, work)
