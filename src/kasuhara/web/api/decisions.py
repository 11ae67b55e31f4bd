"""Decisions on a case: what the company decided, who, when, why."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from kasuhara.services import decisions as service
from kasuhara.store.models.decisions import DECISION_KINDS
from kasuhara.web.api._common import ERRORS, MAX_ID, IdPath, InputSchema, Schema, Text
from kasuhara.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/incidents/{incident_id}/decisions", tags=["decisions"], responses=ERRORS)


class DecisionIn(InputSchema):
    kind: Annotated[Text, Field(max_length=20, description="|".join(DECISION_KINDS))]
    reason: Annotated[Text, Field(min_length=1, max_length=5000)]
    judgment_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None


class DecisionOut(Schema):
    id: int
    incident_id: int
    kind: str
    reason: str
    decided_by: int
    decided_at: datetime
    judgment_id: int | None
    customer_id: int | None


@router.post("", response_model=DecisionOut, status_code=201)
def create_decision(incident_id: IdPath, body: DecisionIn, user: CurrentUser, session: SessionDep) -> DecisionOut:
    """対応を決定して記録 (責任者・管理者) / record a decision (supervisors at the site, admins)."""
    decision = service.create(session=session, actor=user, incident_id=incident_id, **body.model_dump())
    session.commit()
    return DecisionOut.model_validate(decision)


@router.get("", response_model=list[DecisionOut])
def list_decisions(incident_id: IdPath, user: CurrentUser, session: SessionDep) -> list[DecisionOut]:
    """決定の一覧 / the decisions on this case."""
    rows = service.list_for(session=session, actor=user, incident_id=incident_id)
    session.commit()
    return [DecisionOut.model_validate(r) for r in rows]
