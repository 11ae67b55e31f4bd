"""Compliance self-check against the Act's five measure categories and the Tokyo ordinance.

A question the system can answer from its own data (is there a policy, a desk, trained staff,
a deterrence policy?) is answered by the system, whatever the questionnaire says, so the score
reflects the company's real state; the rest comes from the answers. Unanswered counts as a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.documents.legal import LegalContext
from kasuhara.documents.profile import CompanyProfile
from kasuhara.errors import FieldProblem, InputError, Message
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

    def probe(self, name: str) -> tuple[str, str] | None:
        """(answer, evidence) for a probe, or None when unknown."""
        value = getattr(self, name)
        if value is None:
            return None
        if name == "trained_share":
            share = float(value)
            answer = "yes" if share >= TRAINED_SHARE_TARGET else ("partial" if share > 0 else "no")
            return answer, f"{share:.0%}"
        return ("yes" if value else "no"), ""


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    weight: int
    probe: str | None
    text: Message
    advice: Message


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
        return ANSWERS.get(self.answer, 0.0)

    @property
    def is_gap(self) -> bool:
        return self.value < 1.0


@dataclass(frozen=True)
class SelfCheckResult:
    categories: tuple[Category, ...]
    results: tuple[QuestionResult, ...]
    score: int
    category_scores: dict[str, int] = field(default_factory=dict)

    @property
    def gaps(self) -> tuple[QuestionResult, ...]:
        return tuple(r for r in self.results if r.is_gap)

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
            "gaps": [{"id": r.question.id, "text": r.question.text.in_(lang), "advice": r.question.advice.in_(lang)} for r in self.gaps],
        }


@cache
def questionnaire() -> tuple[tuple[Category, ...], tuple[Question, ...]]:
    raw = yaml.safe_load(resources.files("kasuhara.documents").joinpath("data/selfcheck.yaml").read_text("utf-8"))
    cats = tuple(
        Category(id=c["id"], rule=c["rule"], label=Message(**c["label"]), citation=c["citation"]) for c in raw["categories"]
    )
    qs = tuple(
        Question(id=q["id"], category=q["category"], weight=int(q["weight"]), probe=q.get("probe"),
                 text=Message(**q["text"]), advice=Message(**q["advice"]))
        for q in raw["questions"]
    )
    return cats, qs


def applicable(law: LegalContext) -> tuple[tuple[Category, ...], tuple[Question, ...]]:
    """The categories whose rule is in force at the company's place on the date."""
    cats, qs = questionnaire()
    live = tuple(c for c in cats if law.has_rule(c.rule))
    ids = {c.id for c in live}
    return live, tuple(q for q in qs if q.category in ids)


def parse_answers(data: Mapping[str, Any]) -> dict[str, str]:
    """`{question_id: yes|partial|no}`; unknown ids and values are errors naming the field."""
    _, qs = questionnaire()
    known = tuple(q.id for q in qs)
    problems: list[FieldProblem] = []
    out: dict[str, str] = {}
    source = data.get("answers", data) if isinstance(data.get("answers"), dict) else data
    for key, value in source.items():
        if key not in known:
            problems.append(FieldProblem(str(key), Message("不明な設問です", "unknown question"), known))
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
    return SelfCheckResult(categories=cats, results=tuple(results), score=pct(results), category_scores=by_cat)


def _variables(inp: BuildInput) -> dict[str, Any]:
    law = inp.legal()
    answers: Mapping[str, str] = inp.extra.get("answers", {})
    state: SystemState = inp.extra.get("state") or state_from_company(inp.company)
    result = evaluate(law, answers, state)
    return {"law": law, "result": result}


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
