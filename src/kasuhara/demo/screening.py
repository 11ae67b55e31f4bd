"""Demo data for screened suggestions: call-centre cases with a transcript whose screened behaviours
wait for a person (one still open, one already decided), so the feature is there on day one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.services import incidents, suggestions
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User

ORDER = 20

CASES = (
    ("電話で「殺すぞ」と言われた（発言の確認待ち）",
     ["注文した商品がまだ届かないんですけど", "ふざけるな、金を返さないなら殺すぞ", "今すぐ家まで謝りに来い"], ()),
    ("返金の電話で脅された（発言を確認済み）",
     ["先週買った炊飯器が壊れていました", "返金しないならネットに晒すぞ", "誠意を見せろ"],
     (("sns_exposure", "confirm"), ("excessive_demand", "reject"))),
)


def populate(session: Session, context: Any) -> None:
    site = session.scalar(select(Site).where(Site.code == "CC")) or session.scalar(select(Site).order_by(Site.id))
    operator = session.scalar(select(User).where(User.email == "operator@example.jp"))
    boss = session.scalar(select(User).where(User.email == "supervisor.cc@example.jp"))
    if site is None or operator is None or boss is None:
        return
    when = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=5)
    for title, said, decided in CASES:
        incident = incidents.create(session=session, actor=operator, site_id=site.id, occurred_at=when,
                                    channel="phone", title=title, summary="通話の文字起こしを貼り付けて報告。",
                                    facts={"demand": {"kind": "refund", "validity": "valid"}, "utterances": said})
        suggestions.record_report(session=session, actor=operator, incident=incident)
        for behaviour, decision in decided:
            suggestions.decide(session=session, actor=boss, incident_id=incident.id, behaviour_id=behaviour,
                               decision=decision)
    notes = context.get("notes") if isinstance(context, dict) else None
    if isinstance(notes, list):
        notes.append("発言の自動判定の示唆: センター長 supervisor.cc@example.jp で「確認待ち」の案件を開き、「該当する」を押してください")
