"""Judgments on a case: run the judgment now, list every stored snapshot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter

from kasuhara.services import judgments as service
from kasuhara.web.api._common import ERRORS, IdPath, Schema
from kasuhara.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/incidents/{incident_id}/judgments", tags=["judgments"], responses=ERRORS)


class JudgmentOut(Schema):
    id: int
    incident_id: int
    created_at: datetime
    created_by: int | None
    knowledge_base_version: str
    determination: str
    facts: dict[str, Any]
    thresholds: dict[str, Any]
    assessment: dict[str, Any]


@router.post("", response_model=JudgmentOut, status_code=201)
def run_judgment(incident_id: IdPath, user: CurrentUser, session: SessionDep) -> JudgmentOut:
    """現在の事実関係で判断し、結果を保存 / judge the current facts and keep the snapshot."""
    snapshot = service.run(session=session, actor=user, incident_id=incident_id)
    session.commit()
    return JudgmentOut.model_validate(snapshot)


@router.get("", response_model=list[JudgmentOut])
def list_judgments(incident_id: IdPath, user: CurrentUser, session: SessionDep) -> list[JudgmentOut]:
    """保存された判断の一覧 (知識ベースの版つき) / stored judgments with their knowledge-base version."""
    rows = service.list_for(session=session, actor=user, incident_id=incident_id)
    session.commit()
    return [JudgmentOut.model_validate(r) for r in rows]
