"""Repeat offenders: when to alert, and which deterrence step to propose, as data.

The MHLW guideline's deterrence measures (抑止のための措置) for repeat or malicious customers:
a warning (with a letter), a single point of contact, ending the service or a ban with a scope,
and reporting to the police. The system only proposes; a person with authority decides and the
decision is recorded with its reason (users ask for exactly this: automatic cut-offs escalate).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.knowledge import Situation, load_knowledge_base
from kasuhara.knowledge.model import Condition
from kasuhara.knowledge.vocabulary import DETERRENCE_STEPS
from kasuhara.validation import positive_int_fields

STEPS: tuple[str, ...] = DETERRENCE_STEPS
STEP_LABELS: dict[str, Message] = {
    "warning": Message("警告（警告書の送付）", "Warning (warning letter)"),
    "single_contact": Message("対応窓口の一本化", "Single point of contact"),
    "end_of_service": Message("取引・サービスの終了", "End of service"),
    "ban": Message("出入り禁止・利用禁止", "Ban"),
    "police_report": Message("警察への相談・通報", "Report to the police"),
}
ESCALATION: tuple[str, ...] = ("warning", "single_contact", "end_of_service", "ban")
"""Steps from mildest to strongest; the police report stands apart (it depends on the conduct)."""
CHANNELS: tuple[str, ...] = ("phone", "visit", "email", "web", "sns", "letter")


@dataclass(frozen=True)
class OffenderPolicy:
    """The company's threshold: `alert_count` incidents or consultations within `window_days`."""

    alert_count: int = 3
    window_days: int = 365
    ban_review_days: int = 180

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> OffenderPolicy:
        return cls(**positive_int_fields(data, allowed=("alert_count", "window_days", "ban_review_days"), prefix="offenders"))


@dataclass(frozen=True)
class History:
    """What the store knows about one customer (all linked records, across sites)."""

    events_in_window: int
    behaviours: frozenset[str] = field(default_factory=frozenset)
    steps_taken: frozenset[str] = field(default_factory=frozenset)
    active_ban: bool = False


@dataclass(frozen=True)
class ProposalRule:
    """Propose `step` when the count reaches `min_events` and every step in `after` was taken,
    or, with `when`, when the customer's record shows that conduct (whatever the count)."""

    id: str
    step: str
    reason: Message
    min_events: int = 0
    after: tuple[str, ...] = ()
    when: Condition | None = None


@functools.cache
def proposal_rules() -> tuple[ProposalRule, ...]:
    """The proposals as the knowledge base states them (knowledge/data/deterrence.yaml, with sources)."""
    return tuple(
        ProposalRule(p.id, p.step, p.reason, p.min_events, p.after, p.when)
        for p in load_knowledge_base().deterrence
    )


def _record(history: History) -> Situation:
    """The record as a situation for the data's conditions (which may look at behaviours only)."""
    return Situation(behaviours=history.behaviours, channel="", demand_kind="", injury=None, public=None,
                     asked_to_leave=0, public_official=False)


@dataclass(frozen=True)
class Proposal:
    step: str
    rule_id: str
    reason: Message

    def to_dict(self) -> dict[str, str]:
        label = STEP_LABELS[self.step]
        return {
            "step": self.step,
            "rule": self.rule_id,
            "label_ja": label.ja,
            "label_en": label.en,
            "reason_ja": self.reason.ja,
            "reason_en": self.reason.en,
        }


def reaches_threshold(history: History, policy: OffenderPolicy) -> bool:
    return history.events_in_window >= policy.alert_count


def propose(history: History, policy: OffenderPolicy, rules: tuple[ProposalRule, ...] | None = None) -> list[Proposal]:
    """The steps the system proposes now (never decides); empty below the threshold and no danger."""
    rules = proposal_rules() if rules is None else rules
    proposals: list[Proposal] = []
    strongest = max((ESCALATION.index(s) for s in history.steps_taken if s in ESCALATION), default=-1)
    for rule in rules:
        if rule.step in history.steps_taken and rule.step != "police_report":
            continue
        if rule.step in ESCALATION and ESCALATION.index(rule.step) < strongest:
            continue  # a milder step than one already in force adds nothing
        if rule.step == "ban" and history.active_ban:
            continue
        if rule.when is not None:
            if rule.when(_record(history)) and "police_report" not in history.steps_taken:
                proposals.append(Proposal(rule.step, rule.id, rule.reason))
            continue
        if history.events_in_window < policy.alert_count + rule.min_events:
            continue
        if not all(step in history.steps_taken or ESCALATION.index(step) <= strongest for step in rule.after):
            continue
        proposals.append(Proposal(rule.step, rule.id, rule.reason))
    return proposals


def check_scope(step: str, channels: list[str], sites: list[int] | None) -> None:
    """A ban or end of service names its channels; `sites` None means every site."""
    problems: list[FieldProblem] = []
    if step not in STEPS:
        problems.append(FieldProblem("step", Message("不明な措置です", "unknown step"), STEPS))
    for ch in channels:
        if ch not in CHANNELS:
            problems.append(FieldProblem("scope.channels", Message("不明な経路です", "unknown channel"), CHANNELS))
    if step in ("ban", "end_of_service") and not channels:
        problems.append(
            FieldProblem(
                "scope.channels",
                Message("禁止・終了の範囲（経路）を1つ以上選んでください", "choose at least one channel"),
                CHANNELS,
            )
        )
    if sites is not None and not sites and step in ("ban", "end_of_service"):
        problems.append(
            FieldProblem("scope.sites", Message("対象の拠点を選ぶか全拠点にしてください", "choose sites or all"))
        )
    if problems:
        raise InputError(problems)
