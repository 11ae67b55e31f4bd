"""Compliance self-check against the Act's five measure categories and the Tokyo ordinance.

A question the system can answer from its own data (is there a policy, a desk, trained staff,
a deterrence policy?) is answered by the system, whatever the questionnaire says, so the score
reflects the company's real state; the rest comes from the answers. Unanswered counts as a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.documents.legal import LegalContext
from kasuhara.documents.profile import CompanyProfile
from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.strict_yaml import strict_load
from kasuhara.validation import read_mapping_file

ANSWERS: dict[str, float] = {"yes": 1.0, "partial": 0.5, "no": 0.0}
TRAINED_SHARE_TARGET = 0.8


@dataclass(frozen=True)
class SystemState:
    """What the system knows; None means it does not know (then the answer decides)."""

    policy_generated: bool | None = None
    manual_generated: bool | None = None
    desk_configured: bool | None = None
    trained_share: float | None = None
    deterrence_policy: bool | None = None
    incidents_recorded: bool | None = None
    care_followups: bool | None = None
    policy_approved_on: date | None = None
    manual_approved_on: date | None = None

    def probe(self, name: str) -> tuple[str, str] | None:
        """(answer, evidence) for a probe, or None when unknown."""
        if name in ("policy_generated", "manual_generated"):
            approved = self.policy_approved_on if name == "policy_generated" else self.manual_approved_on
            if approved is not None:
                return "yes", f"承認 {approved.isoformat()}"
            if getattr(self, name):
                return "partial", "作成のみ・未承認"  # generated is not adopted
            return None
        if name == "adopted_on":
            found = [d for d in (self.policy_approved_on, self.manual_approved_on) if d is not None]
            return ("yes", min(found).isoformat()) if found else None
        value = getattr(self, name)
        if value is None:
            return None
        if name == "trained_share":
            share = float(value)
            answer = "yes" if share >= TRAINED_SHARE_TARGET else ("partial" if share > 0 else "no")
            return answer, f"{share:.0%}"
        return ("yes" if value else "no"), ""


DUTIES: dict[str, Message] = {
    "legal": Message("法令上の義務", "legal duty"),
    "best_effort": Message("努力義務", "duty of best effort"),
    "good_practice": Message("望ましい取組み", "good practice"),
}
PRIORITIES: dict[str, tuple[Message, int]] = {
    "high": (Message("高", "high"), 30), "medium": (Message("中", "medium"), 90), "low": (Message("低", "low"), 180),
}
"""Priority label and the days until the suggested deadline."""


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    weight: int
    probe: str | None
    text: Message
    advice: Message
    duty: str = "legal"
    owner: Message = field(default_factory=lambda: Message("人事部門", "HR"))
    answer_type: str = "yesno"
    options: tuple[tuple[str, Message], ...] = ()

    @property
    def priority(self) -> str:
        if self.duty == "legal":
            return "high" if self.weight >= 2 else "medium"
        return "medium" if self.duty == "best_effort" else "low"


@dataclass(frozen=True)
class Category:
    id: str
    rule: str
    label: Message
    citation: str


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: str  # yes | partial | no | unanswered
    origin: str  # system | answer | none
    evidence: str = ""

    @property
    def value(self) -> float:
        if self.question.answer_type == "date":
            return 1.0 if _is_date(self.answer) else 0.0
        if self.question.answer_type == "choice":
            return 0.0 if self.answer in ("none", "unanswered") else 1.0
        return ANSWERS.get(self.answer, 0.0)

    def shown(self, lang: str) -> str:
        """The answer as a reader sees it."""
        if self.answer == "unanswered":
            return "未回答" if lang == "ja" else "unanswered"
        if self.question.answer_type == "choice":
            return next((m.in_(lang) for k, m in self.question.options if k == self.answer), self.answer)
        if self.question.answer_type == "date":
            return self.answer
        return {"yes": Message("はい", "yes"), "partial": Message("一部", "partly"), "no": Message("いいえ", "no")}[self.answer].in_(lang)

    @property
    def is_gap(self) -> bool:
        return self.value < 1.0


@dataclass(frozen=True)
class SelfCheckResult:
    categories: tuple[Category, ...]
    results: tuple[QuestionResult, ...]
    score: int
    category_scores: dict[str, int] = field(default_factory=dict)
    on: date | None = None

    @property
    def gaps(self) -> tuple[QuestionResult, ...]:
        """The gaps, most urgent first: legal duties before good practice."""
        order = {"high": 0, "medium": 1, "low": 2}
        return tuple(sorted((r for r in self.results if r.is_gap), key=lambda r: order[r.question.priority]))

    def deadline(self, r: QuestionResult) -> date:
        """A suggested deadline: a month for a high priority, three for medium, six for low."""
        return (self.on or date.today()) + timedelta(days=PRIORITIES[r.question.priority][1])

    def to_dict(self, lang: str = "ja") -> dict[str, Any]:
        return {
            "score": self.score,
            "categories": [
                {"id": c.id, "label": c.label.in_(lang), "score": self.category_scores.get(c.id, 0)} for c in self.categories
            ],
            "questions": [
                {"id": r.question.id, "category": r.question.category, "answer": r.answer, "origin": r.origin,
                 "evidence": r.evidence, "text": r.question.text.in_(lang)}
                for r in self.results
            ],
            "gaps": [{"id": r.question.id, "text": r.question.text.in_(lang), "advice": r.question.advice.in_(lang),
                      "priority": r.question.priority, "duty": r.question.duty, "owner": r.question.owner.in_(lang),
                      "deadline": self.deadline(r).isoformat()} for r in self.gaps],
        }


@cache
def questionnaire() -> tuple[tuple[Category, ...], tuple[Question, ...]]:
    raw = strict_load(resources.files("kasuhara.documents").joinpath("data/selfcheck.yaml").read_text("utf-8"))
    cats = tuple(
        Category(id=c["id"], rule=c["rule"], label=Message(**c["label"]), citation=c["citation"]) for c in raw["categories"]
    )
    qs = tuple(
        Question(id=q["id"], category=q["category"], weight=int(q["weight"]), probe=q.get("probe"),
                 text=Message(**q["text"]), advice=Message(**q["advice"]), duty=q.get("duty", "legal"),
                 owner=Message(**q["owner"]) if q.get("owner") else Message("人事部門", "HR"),
                 answer_type=q.get("answer", "yesno"),
                 options=tuple((k, Message(**v)) for k, v in (q.get("options") or {}).items()))
        for q in raw["questions"]
    )
    return cats, qs


def applicable(law: LegalContext) -> tuple[tuple[Category, ...], tuple[Question, ...]]:
    """The categories whose rule is in force at the company's place on the date."""
    cats, qs = questionnaire()
    other_local = any(r.id != "ordinance:13" for r in law.local_rules)
    live = tuple(c for c in cats if law.has_rule(c.rule) or (c.rule == "local_other" and other_local))
    ids = {c.id for c in live}
    return live, tuple(q for q in qs if q.category in ids)


def parse_answers(data: Mapping[str, Any]) -> dict[str, str]:
    """`{question_id: yes|partial|no}`; unknown ids and values are errors naming the field."""
    _, qs = questionnaire()
    known = tuple(q.id for q in qs)
    by_id = {q.id: q for q in qs}
    problems: list[FieldProblem] = []
    out: dict[str, str] = {}
    source = data.get("answers", data) if isinstance(data.get("answers"), dict) else data
    for key, value in source.items():
        if key not in known:
            problems.append(FieldProblem(str(key), Message("不明な設問です", "unknown question"), known))
            continue
        q = by_id[key]
        if q.answer_type == "date":
            text = value.isoformat() if isinstance(value, date) else str(value).strip()
            if not _is_date(text):
                problems.append(FieldProblem(str(key), Message("日付（YYYY-MM-DD）を入力してください", "enter a date (YYYY-MM-DD)")))
            else:
                out[str(key)] = text
            continue
        if q.answer_type == "choice":
            options = tuple(k for k, _ in q.options)
            if value not in options:
                problems.append(FieldProblem(str(key), Message("選択肢から選んでください", "choose one of the options"), options))
            else:
                out[str(key)] = str(value)
            continue
        answer = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
        if answer not in ANSWERS:
            problems.append(FieldProblem(str(key), Message("回答が不正です", "invalid answer"), tuple(ANSWERS)))
            continue
        out[str(key)] = str(answer)
    if problems:
        raise InputError(problems)
    return out


def load_answers(path: Path) -> dict[str, str]:
    return parse_answers(read_mapping_file(path, field="answers", allow_empty=True))


def state_from_company(company: CompanyProfile) -> SystemState:
    """What a company file alone tells: whether the desk is configured."""
    return SystemState(desk_configured=company.desk is not None and company.desk.configured)


def evaluate(law: LegalContext, answers: Mapping[str, str], state: SystemState) -> SelfCheckResult:
    cats, qs = applicable(law)
    results: list[QuestionResult] = []
    for q in qs:
        known = state.probe(q.probe) if q.probe else None
        if known is not None:
            results.append(QuestionResult(q, known[0], "system", known[1]))
        elif q.id in answers:
            results.append(QuestionResult(q, answers[q.id], "answer"))
        else:
            results.append(QuestionResult(q, "unanswered", "none"))

    def pct(rs: list[QuestionResult]) -> int:
        total = sum(r.question.weight for r in rs)
        return round(100 * sum(r.question.weight * r.value for r in rs) / total) if total else 0

    by_cat = {c.id: pct([r for r in results if r.question.category == c.id]) for c in cats}
    return SelfCheckResult(categories=cats, results=tuple(results), score=pct(results), category_scores=by_cat,
                           on=law.on)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _variables(inp: BuildInput) -> dict[str, Any]:
    law = inp.legal()
    answers: Mapping[str, str] = inp.extra.get("answers", {})
    state: SystemState = inp.extra.get("state") or state_from_company(inp.company)
    result = evaluate(law, answers, state)
    return {"law": law, "result": result, "duties": DUTIES, "priorities": PRIORITIES}


KINDS = (
    DocumentKind(
        id="selfcheck",
        title=Message("カスタマーハラスメント対策 自己点検結果", "Customer-harassment compliance self-check"),
        description=Message(
            "法の5分類の措置と東京都条例の措置に照らした点検、点数と不足事項",
            "Check against the Act's five measure categories and the Tokyo ordinance: score and gaps",
        ),
        template="selfcheck",
        variables=_variables,
    ),
)
