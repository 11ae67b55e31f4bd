"""Screened suggestions on a case: list them, and confirm or reject one (people decide)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import Field

from kasuhara.services import suggestions as service
from kasuhara.web.api._common import ERRORS, MAX_ID, IdPath, InputSchema, Schema, Text
from kasuhara.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/incidents/{incident_id}/suggestions", tags=["suggestions"], responses=ERRORS)

BehaviourPath = Annotated[str, Path(min_length=1, max_length=60, description="行為ID / behaviour id")]


class SuggestionOut(Schema):
    behaviour_id: str
    status: str = Field(description="suggested | confirmed | rejected")
    source: str = Field(description="rule | model (model: 「要確認」)")
    needs_review: bool
    score: float
    evidence: list[str]
    label: dict[str, str]
    basis: dict[str, str]
    decided_by: int | None
    decided_at: datetime | None


class SuggestionsOut(Schema):
    items: list[SuggestionOut]
    if_confirmed: dict[str, Any] | None = Field(description="確認した場合の判定 / the outcome if the open ones are confirmed")
    screener_version: str


class DecisionIn(InputSchema):
    decision: Annotated[Text, Field(max_length=20, description="|".join(service.DECISIONS))]
    version: Annotated[int | None, Field(ge=1, le=MAX_ID, description="読み込んだ版 / the version you read")] = None


class DecisionOut(Schema):
    suggestion: SuggestionOut
    incident_version: int
    determination: str | None
    judgment_id: int | None


def _out(s: service.Suggestion) -> SuggestionOut:
    return SuggestionOut(**s.to_dict())


@router.get("", response_model=SuggestionsOut)
def list_suggestions(incident_id: IdPath, user: CurrentUser, session: SessionDep) -> SuggestionsOut:
    """発言の自動判定による示唆と、確認した場合の判定 / the case's screened suggestions and what is at stake."""
    found = service.list_for(session=session, actor=user, incident_id=incident_id)
    session.commit()
    return SuggestionsOut(items=[_out(s) for s in found.items],
                          if_confirmed=dict(found.if_confirmed) if found.if_confirmed else None,
                          screener_version=found.screener_version)


@router.post("/{behaviour_id}", response_model=DecisionOut)
def decide(incident_id: IdPath, behaviour_id: BehaviourPath, body: DecisionIn, user: CurrentUser,
           session: SessionDep) -> DecisionOut:
    """示唆を確認・却下 (報告者は自分の報告、責任者は自拠点の事案) / confirm or reject a suggestion."""
    done = service.decide(session=session, actor=user, incident_id=incident_id, behaviour_id=behaviour_id,
                          decision=body.decision, version=body.version)
    session.commit()
    return DecisionOut(suggestion=_out(done.suggestion), incident_version=done.incident.version,
                       determination=done.incident.determination, judgment_id=done.judgment_id)
