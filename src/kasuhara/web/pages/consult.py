"""The consulter's pages: consult anonymously or by name, and come back with the report key.

The anonymous pages never resolve the signed-in user (no auth dependency, and the layout is told
there is nobody: `_forget_session`), so even a consulter who is logged in leaves no link between
their account and the consultation, and the form carries the double-submit cookie token that the
POST checks, whatever the browser's state. The report key is shown once in the response to the
POST, never put in a URL; the pages are not cached and cannot be framed by another site.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kasuhara.errors import FieldProblem, InputError, Message, PermissionDeniedError
from kasuhara.services import consultations as svc
from kasuhara.store.models.consultation import CATEGORIES
from kasuhara.web.api.consultations import THROTTLE, ConsultationId, today
from kasuhara.web.deps import OptionalUser, SessionDep, SettingsDep
from kasuhara.web.pages._common import field_errors, guarded, require_user
from kasuhara.web.pages._desk import NO_STORE, text
from kasuhara.web.templating import CSRF_COOKIE, NavItem, check_csrf, redirect, render, translator

router = APIRouter(include_in_schema=False)

CONSULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
NO_FRAME = {"X-Frame-Options": "DENY", "Content-Security-Policy": CONSULT_CSP}
"""Every consulter page refuses to be framed (clickjacking a consulter into sending, or reading a receipt).

The page's own policy is a complete one, no weaker than any site-wide policy (these pages run no
script and no inline style), so it composes however a site-wide header layer treats a page that
already sets the header: kept alone, or sent beside another (browsers enforce every policy)."""
ANONYMOUS_HEADERS = {**NO_STORE, **NO_FRAME}


async def _forget_session(request: Request) -> None:
    """Tell the layout nobody is signed in, so it neither looks up the session cookie nor puts the
    session's CSRF token in the form (the anonymous POST checks the double-submit cookie)."""
    request.state.user = None


Anonymous = [Depends(_forget_session)]


def _form_ok(request: Request, submitted: str) -> bool:
    """The double-submit cookie; or, in a browser that keeps no cookies at all, the browser's own word
    that the form came from this site (`Sec-Fetch-Site`, which no other site can set). Nothing is kept."""
    if check_csrf(request, submitted):
        return True
    return CSRF_COOKIE not in request.cookies and request.headers.get("sec-fetch-site") == "same-origin"

NAV_ITEMS = [NavItem(key="consult.nav", href="/consult", order=60)]


def _categories(t: Any) -> list[tuple[str, str]]:
    return [(c, t(f"consult.category.{c}")) for c in CATEGORIES]


def _landing(request: Request, *, values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
             status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    return render(request, "consult/start.html", {
        "values": values or {"category": "unsure", "subject": "", "content": ""},
        "errors": errors or {},
        "categories": _categories(t),
        "promise": t.message(svc.NO_DISADVANTAGE),
    }, status_code=status_code, headers=ANONYMOUS_HEADERS)


@router.get("/consult", response_class=HTMLResponse, dependencies=Anonymous)
def start(request: Request) -> HTMLResponse:
    """Choose: anonymous, by name, or come back with a key. No user is looked up here."""
    return _landing(request)


def _csrf_problem() -> InputError:
    return InputError([FieldProblem("form", Message("フォームの有効期限が切れました。もう一度送信してください",
                                                    "the form expired; please send it again"))])


@router.post("/consult/anonymous", response_class=HTMLResponse, dependencies=Anonymous)
async def create_anonymous(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    form = await request.form()
    t = translator(request)
    values = {k: text(form, k) for k in ("category", "subject", "content")}
    try:
        if not _form_ok(request, text(form, "csrf_token", 200)):
            raise _csrf_problem()
        passphrase = text(form, "passphrase", 200)
        if passphrase != text(form, "passphrase_again", 200):
            raise InputError([FieldProblem("passphrase_again", Message("合言葉が一致しません",
                                                                       "the passphrases differ"))])
        receipt = svc.start_anonymous(
            session, cipher=svc.cipher_from_settings(settings), category=values["category"] or "unsure",
            subject=values["subject"], content=values["content"], passphrase=passphrase, today=today(),
            customer_phone=text(form, "customer_phone", 50), customer_email=text(form, "customer_email", 254),
        )
    except InputError as exc:
        session.rollback()
        return _landing(request, values=values, errors=field_errors(exc, t), status_code=422)
    session.commit()
    return render(request, "consult/receipt.html", {"report_key": receipt.report_key,
                                                    "promise": t.message(svc.NO_DISADVANTAGE)}, headers=ANONYMOUS_HEADERS)


def _thread_page(request: Request, session: SessionDep, settings: SettingsDep, consultation: Any, *,
                 report_key: str = "", passphrase: str = "", errors: dict[str, str] | None = None,
                 status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    view = svc.consulter_view(session, cipher=svc.cipher_from_settings(settings), consultation=consultation)
    return render(request, "consult/thread.html", {
        "view": view, "report_key": report_key, "passphrase": passphrase, "errors": errors or {},
        "anonymous": consultation.kind == "anonymous", "promise": t.message(svc.NO_DISADVANTAGE),
    }, status_code=status_code, headers=ANONYMOUS_HEADERS)


@router.get("/consult/return", response_class=HTMLResponse, dependencies=Anonymous)
def return_form(request: Request) -> HTMLResponse:
    return render(request, "consult/return.html", {"errors": {}, "values": {"report_key": ""}},
                  headers=ANONYMOUS_HEADERS)


@router.post("/consult/return", response_class=HTMLResponse, dependencies=Anonymous)
async def open_anonymous(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Open with key + passphrase; with `body` also add a message. Throttled like the API."""
    form = await request.form()
    t = translator(request)
    key, passphrase, body = text(form, "report_key", 64), text(form, "passphrase", 200), text(form, "body")
    if not _form_ok(request, text(form, "csrf_token", 200)):
        return render(request, "consult/return.html", {"errors": field_errors(_csrf_problem(), t),
                                                       "values": {"report_key": key}}, status_code=422,
                      headers=ANONYMOUS_HEADERS)
    if THROTTLE.blocked(key):
        return render(request, "consult/return.html", {"errors": {"form": t("consult.throttled")},
                                                       "values": {"report_key": key}}, status_code=429,
                      headers=ANONYMOUS_HEADERS)
    try:
        consultation = svc.open_anonymous(session, report_key=key, passphrase=passphrase, today=today())
    except PermissionDeniedError as exc:
        THROTTLE.fail(key)
        return render(request, "consult/return.html", {"errors": {"form": exc.text(t.lang)},
                                                       "values": {"report_key": key}}, status_code=403,
                      headers=ANONYMOUS_HEADERS)
    if "body" in form:
        try:
            svc.add_consulter_message(session, cipher=svc.cipher_from_settings(settings), consultation=consultation,
                                      body=body, today=today())
        except InputError as exc:
            session.rollback()
            return _thread_page(request, session, settings, consultation, report_key=key, passphrase=passphrase,
                                errors=field_errors(exc, t), status_code=422)
        session.flush()
    session.commit()
    return _thread_page(request, session, settings, consultation, report_key=key, passphrase=passphrase)


@router.get("/consult/named", response_class=HTMLResponse)
def named_form(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    me = require_user(request, user)
    t = translator(request)
    mine = svc.my_consultations(session, user=me)
    return render(request, "consult/named.html", {
        "values": {"category": "incident", "subject": "", "content": ""}, "errors": {},
        "categories": _categories(t), "promise": t.message(svc.NO_DISADVANTAGE), "mine": mine,
    }, headers=ANONYMOUS_HEADERS)


@router.post("/consult/named", response_class=HTMLResponse)
async def create_named(request: Request, session: SessionDep, user: OptionalUser, settings: SettingsDep) -> Response:
    me = require_user(request, user)
    form = await request.form()
    t = translator(request)
    values = {k: text(form, k) for k in ("category", "subject", "content")}
    try:
        consultation = svc.start_named(
            session, cipher=svc.cipher_from_settings(settings), user=me, category=values["category"] or "incident",
            subject=values["subject"], content=values["content"], today=today(),
            customer_phone=text(form, "customer_phone", 50), customer_email=text(form, "customer_email", 254),
        )
    except InputError as exc:
        session.rollback()
        return render(request, "consult/named.html", {
            "values": values, "errors": field_errors(exc, t), "categories": _categories(t),
            "promise": t.message(svc.NO_DISADVANTAGE), "mine": svc.my_consultations(session, user=me),
        }, status_code=422, headers=ANONYMOUS_HEADERS)
    session.commit()
    return redirect(f"/consult/mine/{consultation.id}", key="consult.sent")


@router.get("/consult/mine/{consultation_id}", response_class=HTMLResponse)
def mine(consultation_id: ConsultationId, request: Request, session: SessionDep, user: OptionalUser,
         settings: SettingsDep) -> Response:

    def page() -> Response:
        me = require_user(request, user)
        consultation = svc.own_consultation(session, user=me, consultation_id=consultation_id)
        return _thread_page(request, session, settings, consultation)

    return guarded(request, session, page)


@router.post("/consult/mine/{consultation_id}", response_class=HTMLResponse)
async def mine_message(consultation_id: ConsultationId, request: Request, session: SessionDep, user: OptionalUser,
                       settings: SettingsDep) -> Response:
    form = await request.form()

    def work() -> Response:
        me = require_user(request, user)
        consultation = svc.own_consultation(session, user=me, consultation_id=consultation_id)
        try:
            svc.add_consulter_message(session, cipher=svc.cipher_from_settings(settings), consultation=consultation,
                                      body=text(form, "body"), today=today())
        except InputError as exc:
            session.rollback()
            return _thread_page(request, session, settings, consultation,
                                errors=field_errors(exc, translator(request)), status_code=422)
        session.commit()
        return redirect(f"/consult/mine/{consultation_id}", key="consult.sent")

    return guarded(request, session, work)
