"""Training: the quiz of a module, graded attempts per user, and the completion list for HR."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import Field

from kasuhara.services import training as service
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, InputSchema, Schema
from kasuhara.web.deps import CurrentUser, SessionDep, require_role

router = APIRouter(prefix="/training", tags=["training"], responses=ERRORS)

Module = Literal["staff", "supervisor"]
HR = Annotated[User, require_role(*sorted(service.HR_ROLES))]


class ChoiceOut(Schema):
    id: str
    label: str


class QuestionOut(Schema):
    id: str
    kind: str
    prompt: str
    question: str
    choices: list[ChoiceOut]


class AttemptIn(InputSchema):
    answers: dict[Annotated[str, Field(max_length=200)], Annotated[str, Field(max_length=60)]]


class AttemptOut(Schema):
    id: int
    module: str
    score: int
    correct: int
    total: int
    passed: bool
    completed_at: datetime


class ModuleStatusOut(Schema):
    module: str
    attempts: int
    best_score: int | None
    completed_at: datetime | None


class UserTrainingOut(Schema):
    user_id: int
    display_name: str
    email: str
    role: str
    modules: list[ModuleStatusOut]
    completed_all_required: bool


@router.get("/{module}/quiz", response_model=list[QuestionOut])
def quiz(module: Module, user: CurrentUser, session: SessionDep, lang: Literal["ja", "en"] = "ja") -> list[QuestionOut]:
    """確認テストの設問（正解は含まない、受講者・回ごとに出題） / the questions of my next sitting, without answers."""
    return [QuestionOut.model_validate(q.to_dict(lang)) for q in service.quiz_for(session=session, user=user, module=module)]


@router.post("/{module}/attempts", response_model=AttemptOut, status_code=201)
def submit(module: Module, body: AttemptIn, user: CurrentUser, session: SessionDep) -> AttemptOut:
    """回答を採点して記録 / grade and store an attempt."""
    row = service.submit(session=session, user=user, module=module, answers=body.answers)
    session.commit()
    return AttemptOut.model_validate(row)


@router.get("/me", response_model=list[ModuleStatusOut])
def my_status(user: CurrentUser, session: SessionDep) -> list[ModuleStatusOut]:
    """自分の受講状況 / my training status."""
    return [ModuleStatusOut.model_validate(s) for s in service.user_status(session=session, user_id=user.id).values()]


@router.get("/completions", response_model=list[UserTrainingOut])
def completions(user: HR, session: SessionDep) -> list[UserTrainingOut]:
    """全従業員の受講状況（人事向け） / every user's training status, for HR."""
    rows = service.completions(session=session, actor=user)
    session.commit()
    return [
        UserTrainingOut(
            user_id=r.user_id, display_name=r.display_name, email=r.email, role=r.role,
            modules=[ModuleStatusOut.model_validate(m) for m in r.modules.values()],
            completed_all_required=r.completed_all_required,
        )
        for r in rows
    ]
