"""Repeat offenders API: alerts, a customer's whole history, deterrence decisions, recognition at the
counter, confirmed matches and anonymised case studies.

Identifiers for recognition are sent in a POST body, never in the URL, so they stay out of logs.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import Field

from kasuhara.errors import PermissionDeniedError
from kasuhara.services import offenders as svc
from kasuhara.services.access import DENIED
from kasuhara.web.api._common import ERRORS, MAX_ID, IdPath, InputSchema, Text
from kasuhara.web.api.consultations import today
from kasuhara.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/offenders", tags=["offenders"], responses=ERRORS)

Step = Literal["warning", "single_contact", "end_of_service", "ban", "police_report"]
Channel = Literal["phone", "visit", "email", "web", "sns", "letter"]


class DecisionIn(InputSchema):
    step: Step
    reason: Annotated[Text, Field(min_length=1, max_length=5000)]
    channels: list[Channel] = Field(default_factory=list)
    site_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = None
    review_on: date | None = None
    contact_user_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    proposed_rule: Annotated[Text, Field(max_length=60)] | None = None
    police_reference: Annotated[Text, Field(max_length=100)] = ""
    conduct: Annotated[Text, Field(max_length=5000)] = ""
    lang: Literal["ja", "en"] = "ja"


class LiftIn(InputSchema):
    reason: Annotated[Text, Field(min_length=1, max_length=5000)]


class MatchIn(InputSchema):
    other_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    reason: Annotated[Text, Field(min_length=1, max_length=2000)]


class RecogniseIn(InputSchema):
    value: Annotated[Text, Field(min_length=1, max_length=254)]
    kind: Literal["phone", "email"] | None = None
    site_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    channel: Channel | None = None


class CaseStudyIn(InputSchema):
    incident_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    lang: Literal["ja", "en"] = "ja"


class ReviewIn(InputSchema):
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    body: Annotated[Text, Field(min_length=1, max_length=20000)]
    lessons: Annotated[Text, Field(max_length=20000)] = ""
    publish: bool = False


@router.get("/alerts")
def alerts(user: CurrentUser, session: SessionDep, open_only: bool = True) -> list[dict[str, Any]]:
    """基準件数に達した顧客 / customers who reached the company's threshold."""
    return svc.alerts(session, user=user, open_only=open_only)


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: IdPath, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    svc.acknowledge(session, user=user, alert_id=alert_id)
    session.commit()
    return {"id": alert_id, "acknowledged": True}


@router.get("/customers/{customer_id}")
def history(customer_id: IdPath, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """顧客の全履歴 (拠点をまたぐ) と提案 / the customer's whole history across sites, with proposals."""
    result = svc.customer_history(session, user=user, customer_id=customer_id, today=today())
    session.commit()
    return result


@router.post("/customers/{customer_id}/decisions", status_code=201)
def decide(customer_id: IdPath, body: DecisionIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """抑止措置を決定する (権限者のみ) / decide a deterrence step (supervisors and admins only)."""
    decision = svc.decide(
        session, user=user, customer_id=customer_id, step=body.step, reason=body.reason, today=today(),
        channels=list(body.channels), site_ids=body.site_ids, review_on=body.review_on,
        contact_user_id=body.contact_user_id, proposed_rule=body.proposed_rule,
        police_reference=body.police_reference, conduct=body.conduct, lang=body.lang,
    )
    session.commit()
    return svc.decision_dict(decision, session)


@router.post("/decisions/{decision_id}/lift")
def lift(decision_id: IdPath, body: LiftIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    svc.lift(session, user=user, decision_id=decision_id, reason=body.reason)
    session.commit()
    return {"id": decision_id, "active": False}


@router.get("/reviews")
def reviews(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """見直し日が来た措置 / measures whose review date has come."""
    return svc.reviews_due(session, user=user, today=today())


@router.post("/customers/{customer_id}/links", status_code=201)
def confirm_match(customer_id: IdPath, body: MatchIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """同一人物であることを確認して結び付ける / confirm that two customer records are one person."""
    svc.confirm_match(session, user=user, customer_id=customer_id, other_id=body.other_id, reason=body.reason)
    session.commit()
    return {"customer_id": customer_id, "other_id": body.other_id}


@router.post("/recognise")
def recognise(body: RecogniseIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """電話番号・メールで出入り禁止等の措置を確認 / is this caller or visitor under a measure here?"""
    result = svc.recognise(session, user=user, value=body.value, kind=body.kind, site_id=body.site_id,
                           channel=body.channel)
    session.commit()
    return result


@router.post("/scan")
def scan(user: CurrentUser, session: SessionDep) -> dict[str, int]:
    if user.role != "admin":
        raise PermissionDeniedError(DENIED)
    count = svc.scan(session, today=today())
    session.commit()
    return {"alerts": count}


@router.get("/case-studies")
def case_studies(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    return svc.case_studies(session, user=user)


@router.post("/case-studies", status_code=201)
def make_case_study(body: CaseStudyIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """終結事案から匿名化した事例を作る / turn a closed case into an anonymised case study (draft)."""
    result = svc.make_case_study(session, user=user, incident_id=body.incident_id, lang=body.lang)
    session.commit()
    return result


@router.post("/case-studies/{study_id}/review")
def review_case_study(study_id: IdPath, body: ReviewIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    result = svc.review_case_study(session, user=user, study_id=study_id, title=body.title, body=body.body,
                                   lessons=body.lessons, publish=body.publish)
    session.commit()
    return result
