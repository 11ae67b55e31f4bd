"""Training: a module for staff and one for supervisors and desk members, with a quiz.

The quiz is drawn from the judgment's own legal scenarios (`kasuhara.judge.load_scenarios`) and
the right answer is what the judgment decides on the scenario's facts, so the training teaches
exactly the law the system applies. Questions are chosen deterministically per module, so the
server can grade an answer sheet without storing the questions it handed out.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.errors import FieldProblem, InputError, Message

MODULES: dict[str, Message] = {
    "staff": Message("従業員向け研修", "Training for staff"),
    "supervisor": Message("管理者・相談窓口向け研修", "Training for supervisors and the consultation desk"),
}
QUESTIONS_PER_MODULE = 8
PASS_MARK = 0.8


@dataclass(frozen=True)
class Choice:
    id: str
    label: Message


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    kind: str  # determination | first_action
    scenario: str
    prompt: Message
    question: Message
    choices: tuple[Choice, ...]
    answer: str
    explanation: Message

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "prompt": self.prompt.in_(lang),
            "question": self.question.in_(lang),
            "choices": [{"id": c.id, "label": c.label.in_(lang)} for c in self.choices],
        }


@dataclass(frozen=True)
class QuizResult:
    module: str
    correct: int
    total: int
    wrong: tuple[str, ...]

    @property
    def score(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.correct / self.total >= PASS_MARK


def _check_module(module: str) -> None:
    if module not in MODULES:
        raise InputError([FieldProblem("module", Message("研修の種類が不明です", "unknown training module"), tuple(MODULES))])


@cache
def build_quiz(module: str) -> tuple[QuizQuestion, ...]:
    """The module's questions: the judgment decides every answer."""
    _check_module(module)
    from kasuhara.judge import judge, load_scenarios, parse_facts
    from kasuhara.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    rng = random.Random(f"kasuhara-quiz-{module}")
    judged = []
    for s in load_scenarios():
        assessment = judge(parse_facts(dict(s.facts)), kb=kb, thresholds=s.thresholds)
        judged.append((s, assessment))
    # round-robin over determinations so every answer appears, in a stable shuffled order
    by_det: dict[str, list[Any]] = {}
    for s, a in judged:
        by_det.setdefault(a.determination.id, []).append((s, a))
    for items in by_det.values():
        rng.shuffle(items)
    picked: list[Any] = []
    while len(picked) < QUESTIONS_PER_MODULE and any(by_det.values()):
        for det in sorted(by_det):
            if by_det[det] and len(picked) < QUESTIONS_PER_MODULE:
                picked.append(by_det[det].pop())
    det_choices = tuple(Choice(d.id, d.label) for d in kb.determinations)
    questions: list[QuizQuestion] = []
    for i, (s, a) in enumerate(picked):
        explanation = Message(
            f"{a.determination.label.ja}: {a.demand_assessment.reason.ja} {a.manner_assessment.reason.ja}",
            f"{a.determination.label.en}: {a.demand_assessment.reason.en} {a.manner_assessment.reason.en}",
        )
        if module == "supervisor" and i % 2 == 1 and a.actions:
            first = a.actions[0].action
            others = [x for x in kb.actions if x.id != first.id and x.id not in {y.action.id for y in a.actions[:1]}]
            distractors = rng.sample(others, k=min(3, len(others)))
            choices = [Choice(first.id, first.label), *(Choice(x.id, x.label) for x in distractors)]
            rng.shuffle(choices)
            questions.append(
                QuizQuestion(
                    id=f"{s.name}:first_action", kind="first_action", scenario=s.name, prompt=s.description,
                    question=Message("責任者として最初に取るべき対応はどれですか。", "As the supervisor, what do you do first?"),
                    choices=tuple(choices), answer=first.id,
                    explanation=Message(f"{first.label.ja}: {first.text.ja}", f"{first.label.en}: {first.text.en}"),
                )
            )
            continue
        questions.append(
            QuizQuestion(
                id=f"{s.name}:determination", kind="determination", scenario=s.name, prompt=s.description,
                question=Message("この事例の判定はどれですか。", "What is the determination in this case?"),
                choices=det_choices, answer=a.determination.id, explanation=explanation,
            )
        )
    return tuple(questions)


def grade(module: str, answers: Mapping[str, str]) -> QuizResult:
    """Grade an answer sheet `{question_id: choice_id}`; unknown question ids are input errors."""
    questions = build_quiz(module)
    known = {q.id for q in questions}
    unknown = [k for k in answers if k not in known]
    if unknown:
        raise InputError([FieldProblem(f"answers.{k}", Message("この研修の設問ではありません", "not a question of this module")) for k in unknown])
    wrong = tuple(q.id for q in questions if answers.get(q.id) != q.answer)
    return QuizResult(module=module, correct=len(questions) - len(wrong), total=len(questions), wrong=wrong)


def _variables_for(module: str) -> Any:
    def variables(inp: BuildInput) -> dict[str, Any]:
        from kasuhara.documents.manual import offence_rows

        law = inp.legal()
        return {"law": law, "offences": offence_rows(law), "quiz": build_quiz(module), "module": module}

    return variables


KINDS = (
    DocumentKind(
        id="training-staff",
        title=MODULES["staff"],
        description=Message("従業員向けの研修教材と確認テスト（判定シナリオから出題）", "Staff module with a quiz from the judgment's scenarios"),
        template="training_staff",
        variables=_variables_for("staff"),
    ),
    DocumentKind(
        id="training-supervisor",
        title=MODULES["supervisor"],
        description=Message("管理者・相談窓口向けの研修教材と確認テスト", "Supervisor and desk module with a quiz"),
        template="training_supervisor",
        variables=_variables_for("supervisor"),
    ),
)
