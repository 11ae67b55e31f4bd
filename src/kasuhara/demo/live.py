"""Demo data for live calls: a call at the phone centre that ended an hour ago, ready to become a case.

The transcript runs through the same state machine and screener as a real call, so its alerts,
flags and suggestions are what the system would have produced.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara import live
from kasuhara.services import calls as calls_service
from kasuhara.services.call_hub import screen_flags
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User

ORDER = 60
CALL_ID = "demo-cc-0001"
TRANSCRIPT = (
    ("operator", "お電話ありがとうございます。お客様相談センターの鈴木でございます。"),
    ("customer", "先週買った炊飯器がもう壊れたんだよ。"),
    ("operator", "ご不便をおかけして申し訳ございません。交換の手続きをご案内いたします。"),
    ("customer", "交換じゃなくて今すぐ返金しろ。"),
    ("operator", "規定により、まずは点検のうえ交換となります。"),
    ("customer", "ふざけるな、返金しろって言ってるだろ。"),
    ("customer", "店まで行って土下座させてやるからな。"),
    ("operator", "これ以上続く場合は、通話を終了させていただきます。"),
    ("customer", "待てよ、まだ話は終わってないぞ。"),
    ("customer", "早く返金しろよ。"),
)


def populate(session: Session, context: Any) -> None:
    site = session.scalars(select(Site).where(Site.code == "CC")).first()
    operator = session.scalars(select(User).where(User.email == "supervisor.cc@example.jp")).first()
    if site is None or operator is None:
        return  # the core demo data is another module's; without its phone centre there is nothing to add
    policy = calls_service.policy(session=session)
    started = time.time() - 3600
    state, _ = live.start(CALL_ID, live.CallInfo(site_id=site.id, operator=operator.email),
                          customer_status="unknown", now=started, time_limit_seconds=30 * 60, policy=policy)
    flags = iter(screen_flags([text for speaker, text in TRANSCRIPT if speaker == "customer"]))
    for index, (speaker, text) in enumerate(TRANSCRIPT):
        at = 4.0 * index
        segment = live.Segment(speaker=speaker, text=text, start=at, end=at + 3.5, seq=index)
        live.add_segment(state, segment, next(flags) if speaker == "customer" else [], now=started + at + 3.5,
                         policy=policy)
    live.end(state, now=started + 4.0 * len(TRANSCRIPT))
    calls_service.record_start(session=session, actor=operator, state=state, customer_id=None)
    session.flush()
    calls_service.record_end(session=session, state=state)
    notes = context.get("notes") if isinstance(context, dict) else None
    if isinstance(notes, list):
        notes.append(f"ライブ通話: /live/board（supervisor.cc@example.jp）に終わった通話 {CALL_ID} があり、"
                     "「事案にする」で事案にできます / a finished call to turn into a case on the live board")
