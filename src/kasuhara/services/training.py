"""Training: grade a quiz, store the attempt per user, and the completion list HR looks at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasuhara.company import Thresholds
from kasuhara.documents.training import MODULES, QuizQuestion, QuizResult, build_quiz, grade
from kasuhara.services import audit
from kasuhara.store.models.training import TrainingAttempt
from kasuhara.store.models.users import User

HR_ROLES = frozenset({"admin", "auditor", "desk"})


def quiz_seed(*, session: Session, user_id: int, module: str) -> str:
    """The seed of a person's next sitting: the person and how many attempts they made, so every
    person and every retry draws other questions, and the sheet shown is the sheet graded."""
    attempts = session.scalar(
        select(func.count()).select_from(TrainingAttempt)
        .where(TrainingAttempt.user_id == user_id, TrainingAttempt.module == module)
    ) or 0
    return f"user{user_id}:attempt{attempts}"


def _sheet(session: Session, user: User, module: str) -> tuple[Thresholds, str, str]:
    """What decides a person's next sheet: the company's thresholds and industry, the seed."""
    from kasuhara.errors import InputError
    from kasuhara.services import company_settings
    from kasuhara.services.documents import company_profile

    try:
        industry = company_profile(session=session).industry
    except InputError:  # no profile yet: every scenario
        industry = ""
    return (company_settings.thresholds(session=session), quiz_seed(session=session, user_id=user.id, module=module),
            industry)


def quiz_for(*, session: Session, user: User, module: str) -> tuple[QuizQuestion, ...]:
    """The questions of the person's next sitting, under the company's current thresholds."""
    thresholds, seed, industry = _sheet(session, user, module)
    return build_quiz(module, thresholds, seed, industry)


def grade_for(*, session: Session, user: User, module: str, answers: Mapping[str, str]) -> QuizResult:
    """Grade the answers against the sheet the person was shown (call before `submit`)."""
    thresholds, seed, industry = _sheet(session, user, module)
    return grade(module, answers, thresholds=thresholds, seed=seed, industry=industry)


def submit(*, session: Session, user: User, module: str, answers: Mapping[str, str]) -> TrainingAttempt:
    """Grade and store one attempt (the quiz answers are graded on the server, never trusted)."""
    result = grade_for(session=session, user=user, module=module, answers=answers)
    row = TrainingAttempt(
        user_id=user.id, module=module, score=result.score, correct=result.correct, total=result.total,
        passed=result.passed, answers=dict(answers),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="training.submit", target_type="training_attempt", target_id=row.id,
                 detail={"module": module, "score": result.score, "passed": result.passed})
    return row


@dataclass(frozen=True)
class ModuleStatus:
    module: str
    attempts: int
    best_score: int | None
    completed_at: datetime | None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class UserTraining:
    user_id: int
    display_name: str
    email: str
    role: str
    modules: dict[str, ModuleStatus]

    @property
    def completed_all_required(self) -> bool:
        return self.modules["staff"].completed and (
            self.role not in ("supervisor", "desk") or self.modules["supervisor"].completed
        )


def user_status(*, session: Session, user_id: int) -> dict[str, ModuleStatus]:
    out: dict[str, ModuleStatus] = {}
    for module in MODULES:
        attempts = list(session.scalars(
            select(TrainingAttempt).where(TrainingAttempt.user_id == user_id, TrainingAttempt.module == module)
            .order_by(TrainingAttempt.completed_at)
        ))
        passed = [a for a in attempts if a.passed]
        out[module] = ModuleStatus(
            module=module,
            attempts=len(attempts),
            best_score=max((a.score for a in attempts), default=None),
            completed_at=passed[0].completed_at if passed else None,
        )
    return out


def completions(*, session: Session, actor: User) -> list[UserTraining]:
    """Every active user's training state, for HR (audited as a read of personal data)."""
    users = list(session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id)))
    audit.record(session, actor=actor, action="training.completions_read", target_type="training", target_id=0)
    return [
        UserTraining(user_id=u.id, display_name=u.display_name, email=u.email, role=u.role,
                     modules=user_status(session=session, user_id=u.id))
        for u in users
    ]


def trained_share(*, session: Session) -> float | None:
    """Share of active users who passed the staff module; None when there are no users."""
    total = session.scalar(select(func.count()).select_from(User).where(User.is_active.is_(True))) or 0
    if total == 0:
        return None
    trained = session.scalar(
        select(func.count(func.distinct(TrainingAttempt.user_id)))
        .join(User, User.id == TrainingAttempt.user_id)
        .where(TrainingAttempt.module == "staff", TrainingAttempt.passed.is_(True), User.is_active.is_(True))
    ) or 0
    return trained / total
