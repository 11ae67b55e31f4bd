"""Demo data for the documents area: a company profile if none is set, a generated basic policy,
some training completions (not everyone's, so the self-check shows a real gap) and a few
self-check answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.store.models.users import User

ORDER = 50


def populate(session: Session, context: Any) -> None:
    from kasuhara.services import company_settings, selfcheck, training
    from kasuhara.services import documents as documents_service

    row = company_settings.get(session=session)
    if not row.company_name or not row.prefecture_code:
        company_settings.update(session=session, actor=None, changes={
            "company_name": row.company_name or "株式会社デモ商事",
            "industry": row.industry or "retail",
            "prefecture_code": row.prefecture_code or "13",
            "municipality_code": row.municipality_code or "13104",
            "desk_name": row.desk_name or "人事部 カスタマーハラスメント相談窓口",
            "desk_phone": row.desk_phone or "03-0000-0199",
        })
    users = list(session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id)))
    admin = next((u for u in users if u.role == "admin"), None)
    if admin is not None:
        documents_service.generate(session=session, actor=admin, kind="policy", fmt="pdf")
        selfcheck.save_answers(session=session, actor=admin, answers={
            "policy_communicated": "partial", "policy_published": "yes", "desk_borderline": "yes",
            "privacy_no_disadvantage": "yes", "deterrence_notice": "no",
        })
    for user in users[::2]:  # every other user has passed the staff module
        right = {q.id: q.answer for q in training.quiz_for(session=session, user=user, module="staff")}
        training.submit(session=session, user=user, module="staff", answers=right)
    for user in users:
        if user.role in ("supervisor", "desk"):
            right = {q.id: q.answer for q in training.quiz_for(session=session, user=user, module="supervisor")}
            training.submit(session=session, user=user, module="supervisor", answers=right)
            break
    session.commit()
