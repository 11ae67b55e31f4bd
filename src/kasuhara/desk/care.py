"""Employee care after customer harassment: the support the employer can offer, and follow-ups.

The guideline asks employers to respond promptly and look after the worker (配慮): time off,
a change of duty, counselling, the occupational physician (産業医), a stress check and the EAP.
A care record has check-ins with an outcome and a next follow-up date; the desk is reminded when
it is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kasuhara.errors import FieldProblem, InputError, Message

SUPPORT_KINDS: dict[str, Message] = {
    "time_off": Message("休暇・休業", "Time off"),
    "change_of_duty": Message("配置転換・業務の変更", "Change of duty"),
    "counselling": Message("カウンセリング", "Counselling"),
    "occupational_physician": Message("産業医面談", "Occupational physician"),
    "stress_check": Message("ストレスチェック", "Stress check"),
    "eap": Message("EAP（従業員支援プログラム）", "EAP (employee assistance programme)"),
    "medical_referral": Message("医療機関の紹介", "Referral to a clinic"),
    "legal_support": Message("弁護士・法的支援", "Legal support"),
}
SUPPORT_STATUSES = ("offered", "accepted", "declined", "done")
OUTCOMES: dict[str, Message] = {
    "recovering": Message("回復に向かっている", "Recovering"),
    "stable": Message("安定している", "Stable"),
    "needs_support": Message("支援が必要", "Needs more support"),
    "urgent": Message("緊急の対応が必要", "Urgent attention needed"),
    "closed": Message("対応終了", "Care closed"),
}


def check_choice(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError([FieldProblem(field, Message("選べない値です", "not an allowed value"), allowed)])


@dataclass(frozen=True)
class FollowUpState:
    due: date | None
    is_due: bool
    days_overdue: int


def follow_up_state(next_follow_up: date | None, today: date, *, closed: bool = False) -> FollowUpState:
    """Whether a follow-up is due today or late; a closed record has none."""
    if closed or next_follow_up is None:
        return FollowUpState(due=None, is_due=False, days_overdue=0)
    late = (today - next_follow_up).days
    return FollowUpState(due=next_follow_up, is_due=late >= 0, days_overdue=max(late, 0))
