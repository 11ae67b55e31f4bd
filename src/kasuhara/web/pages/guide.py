"""「これってカスハラ？」: the guided judgment pages. No login needed (a clerk mid-incident).

One question per page; every choice is a big submit button, so one tap answers (multi-choice
questions use big checkboxes and a Next button). The answers travel in the URL (`s`, base64url
JSON), so the back button, reloading and sharing with a supervisor all work without JavaScript
and nothing is stored until the user turns the result into a report.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kasuhara.company import Thresholds
from kasuhara.errors import InputError
from kasuhara.interview import Question, Walk, clean_answers, load_graph, parse_answer, walk
from kasuhara.web.deps import SessionDep
from kasuhara.web.i18n import Translator
from kasuhara.web.pages._assessment import assess_walk, company_thresholds, default_location, result_view
from kasuhara.web.pages._common import PageError, PageUser, csrf_ok, error_page
from kasuhara.web.pages._flowchart import flowchart
from kasuhara.web.templating import NavItem, render, translator

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem(key="nav.guide", href="/guide", order=10)]

MAX_STATE = 12000


def encode_state(answers: Mapping[str, object]) -> str:
    raw = json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_state(value: str | None) -> dict[str, Any]:
    """The answers from the URL; anything malformed becomes an empty start, never an error page."""
    if not value or len(value) > MAX_STATE:
        return {}
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return {}
    return dict(clean_answers(data)) if isinstance(data, dict) else {}


def _question_params(question: Question, thresholds: Thresholds) -> dict[str, int]:
    return {name: getattr(thresholds, name) for name in ("time_limit_minutes", "repeat_contacts", "repeat_days")}


def _back_state(current: Walk) -> str | None:
    """The state with the last asked question removed (None at the first question)."""
    asked = current.asked
    if not asked:
        return None
    answers = dict(current.answers)
    answers.pop(asked[-1].question.id, None)
    return encode_state(answers)


def answers_view(current: Walk, t: Translator, thresholds: Thresholds) -> list[dict[str, str]]:
    """The asked questions and the answers given, as text, for the summary."""
    rows = []
    for step in current.asked:
        question = step.question
        params = _question_params(question, thresholds)
        label = t(f"guide.q.{question.id}.text", **params)
        value = step.value
        if value is None or value == []:
            text = t("guide.not_answered")
        elif question.kind in ("single", "multi"):
            chosen = value if isinstance(value, list) else [str(value)]
            text = t("punct.sep").join(t(f"guide.q.{question.id}.a.{a}") for a in chosen)
        elif question.kind == "number":
            unit = "guide.minutes" if question.sets == "duration_minutes" else "guide.times"
            text = f"{value} {t(unit)}"
        else:
            text = str(value)
        rows.append({"question": label, "answer": text, "id": question.id})
    return rows


def _page(
    request: Request,
    current: Walk,
    state: str,
    thresholds: Thresholds,
    *,
    error: str | None = None,
    entered: str = "",
    status_code: int = 200,
    location: Mapping[str, str] | None = None,
) -> HTMLResponse:
    t = translator(request)
    if current.next is None:
        assessment = assess_walk(current, thresholds, location)
        view = result_view(assessment, t)
        chart = flowchart(assessment, t)
        return render(
            request,
            "guide/result.html",
            {
                "state": state,
                "walk": current,
                "result": view,
                "chart": chart,
                "answers": answers_view(current, t, thresholds),
                "back_state": _back_state(current),
                "thresholds": thresholds.to_dict(),
                "place": t.message(assessment.get("place")) if location else "",
            },
            status_code=status_code,
        )
    question = current.next
    return render(
        request,
        "guide/question.html",
        {
            "state": state,
            "walk": current,
            "question": question,
            "params": _question_params(question, thresholds),
            "position": current.position,
            "back_state": _back_state(current),
            "error": error,
            "entered": entered,
        },
        status_code=status_code,
    )


@router.get("/guide", response_class=HTMLResponse)
def guide(request: Request, session: SessionDep, user: PageUser, s: str = "") -> HTMLResponse:
    """The next question for the answers in `s`, or the result when none is left."""
    thresholds = company_thresholds(session)
    answers = decode_state(s)
    current = walk(answers, thresholds=thresholds)
    location = default_location(session, user) if current.next is None else None
    return _page(request, current, encode_state(current.answers), thresholds, location=location)


@router.get("/guide/start")
def guide_start() -> RedirectResponse:
    return RedirectResponse("/guide", status_code=303)


@router.post("/guide", response_model=None)
async def answer(
    request: Request,
    session: SessionDep,
    user: PageUser,
    s: Annotated[str, Form(max_length=MAX_STATE)] = "",
    q: Annotated[str, Form(max_length=50)] = "",
    skip: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Record one answer and go to the next question (303), or show the error next to it."""
    if not csrf_ok(request):
        return error_page(request, PageError("csrf"))
    thresholds = company_thresholds(session)
    answers = decode_state(s)
    form = await request.form()
    raw = [str(v) for v in form.getlist("a")]
    question = load_graph().question(q)
    if question is None:
        return RedirectResponse("/guide?s=" + encode_state(answers), status_code=303)
    try:
        value = parse_answer(question, raw, skip=bool(skip))
    except InputError as exc:
        t = translator(request)
        current = walk(answers, thresholds=thresholds)
        if current.next is None or current.next.id != question.id:
            return RedirectResponse("/guide?s=" + encode_state(current.answers), status_code=303)
        message = exc.problems[0].message.in_(t.lang)
        return _page(
            request, current, encode_state(current.answers), thresholds,
            error=message, entered=raw[0] if raw else "", status_code=422,
        )
    answers[question.id] = value
    current = walk(answers, thresholds=thresholds)
    return RedirectResponse("/guide?s=" + encode_state(current.answers), status_code=303)
