"""Walking the question graph: which question comes next, and the facts gathered so far.

Pure and stateless: the caller keeps the answers (the web page carries them in the URL) and asks
`walk(answers)` every time. Answers to questions that no longer apply (because an earlier answer
changed) are ignored, so going back and changing an answer never leaves stale facts behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kasuhara.company import Thresholds
from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.interview.model import Condition, Question, QuestionGraph, load_graph

StepStatus = Literal["answered", "skipped", "not_applicable", "pending", "later"]
AnswerValue = str | int | list[str] | None


@dataclass(frozen=True)
class Step:
    """One question on the path: answered, skipped by the user, not applicable, or still to come."""

    question: Question
    status: StepStatus
    value: AnswerValue = None


@dataclass(frozen=True)
class Walk:
    """Where the interview stands: the steps, the facts so far and the next question (None: done)."""

    steps: tuple[Step, ...]
    facts: dict[str, Any]
    behaviours: tuple[str, ...]
    next: Question | None
    safety: bool
    answers: dict[str, AnswerValue] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.next is None

    @property
    def asked(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.status in ("answered", "skipped"))

    @property
    def position(self) -> int:
        """1-based number of the next question among those asked (for "question 3")."""
        return len(self.asked) + 1


def _get(facts: Mapping[str, Any], path: str) -> Any:
    node: Any = facts
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _put(facts: dict[str, Any], path: str, value: object) -> None:
    parts = path.split(".")
    node = facts
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


@dataclass(frozen=True)
class _Known:
    """What the interview knows so far, as a condition's subject."""

    facts: Mapping[str, Any]
    behaviours: Sequence[str]
    answers: Mapping[str, AnswerValue]

    def fact(self, name: str) -> Any:
        return _get(self.facts, name)

    def answer(self, question: str) -> Any:
        return self.answers.get(question)


def holds(
    condition: Condition,
    facts: Mapping[str, Any],
    behaviours: Sequence[str],
    answers: Mapping[str, AnswerValue],
) -> bool:
    """Evaluate one `ask_if` condition on what is known so far."""
    return condition(_Known(facts, behaviours, answers))


def _apply(
    question: Question,
    value: AnswerValue,
    facts: dict[str, Any],
    behaviours: list[str],
    thresholds: Thresholds,
) -> bool:
    """Add one answer's facts; returns True when it reports danger."""
    danger = False
    if question.kind in ("single", "multi"):
        chosen = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        for answer_id in chosen:
            answer = question.answer(answer_id)
            if answer is None:
                continue
            for path, fact_value in answer.set.items():
                _put(facts, path, fact_value)
            for behaviour in answer.behaviours:
                if behaviour not in behaviours:
                    behaviours.append(behaviour)
            if question.danger and not answer.exclusive:
                danger = True
    elif value is not None and question.sets:
        if question.kind == "text":
            lines = [line.strip() for line in str(value).splitlines() if line.strip()]
            if lines:
                _put(facts, question.sets, lines)
        else:
            _put(facts, question.sets, value)
            for path, param in (question.also_set or {}).items():
                _put(facts, path, getattr(thresholds, param))
    return danger


def walk(
    answers: Mapping[str, AnswerValue],
    *,
    thresholds: Thresholds | None = None,
    graph: QuestionGraph | None = None,
) -> Walk:
    """Follow the graph in order: skip what does not apply, stop at the first unanswered question."""
    graph = graph or load_graph()
    thresholds = thresholds or Thresholds()
    facts: dict[str, Any] = {"behaviours": []}
    behaviours: list[str] = []
    steps: list[Step] = []
    kept: dict[str, AnswerValue] = {}
    safety = False
    next_question: Question | None = None
    for question in graph.questions:
        if next_question is not None:
            steps.append(Step(question, "later"))
            continue
        if question.ask_if is not None and not holds(question.ask_if, facts, behaviours, kept):
            steps.append(Step(question, "not_applicable"))
            continue
        if question.id not in answers:
            next_question = question
            steps.append(Step(question, "pending"))
            continue
        value = answers[question.id]
        kept[question.id] = value
        steps.append(Step(question, "answered" if value not in (None, []) else "skipped", value))
        safety = _apply(question, value, facts, behaviours, thresholds) or safety
    facts["behaviours"] = list(behaviours)
    return Walk(
        steps=tuple(steps),
        facts=facts,
        behaviours=tuple(behaviours),
        next=next_question,
        safety=safety,
        answers=kept,
    )


def _problem(question: Question, ja: str, en: str, allowed: tuple[str, ...] = ()) -> InputError:
    return InputError([FieldProblem(field=question.id, message=Message(ja, en), allowed=allowed)])


def parse_answer(question: Question, raw: Sequence[str], *, skip: bool = False) -> AnswerValue:
    """Turn submitted form values into an answer, or raise `InputError` naming the question.

    `skip` is the user's "skip / don't know" on an optional number or text question.
    """
    values = [v.strip() for v in raw if v is not None and v.strip() != ""]
    if question.kind == "single":
        if len(values) != 1 or question.answer(values[0]) is None:
            raise _problem(question, "選択肢から一つ選んでください", "choose one of the answers", question.answer_ids)
        return values[0]
    if question.kind == "multi":
        unknown = [v for v in values if question.answer(v) is None]
        if unknown:
            raise _problem(question, "選択肢にない回答です", "not one of the answers", question.answer_ids)
        if not values:
            raise _problem(
                question,
                "当てはまるものを選ぶか「どれもない」を選んでください",
                "choose what applies, or 'none of these'",
                question.answer_ids,
            )
        chosen = list(dict.fromkeys(values))
        exclusive = [v for v in chosen if (a := question.answer(v)) is not None and a.exclusive]
        if exclusive and len(chosen) > 1:
            raise _problem(
                question,
                "「どれもない」と他の回答は同時に選べません",
                "'none of these' cannot be combined with other answers",
            )
        return chosen
    if skip or not values:
        if question.optional:
            return None
        raise _problem(question, "入力してください", "please answer")
    if question.kind == "text":
        text = values[0] if len(values) == 1 else "\n".join(values)
        if question.max is not None and len(text) > question.max:
            raise _problem(
                question,
                f"{question.max}文字以内で入力してください",
                f"use at most {question.max} characters",
            )
        return text
    text = values[0].translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    try:
        number = int(text)
    except ValueError:
        raise _problem(question, "数字（整数）で入力してください", "enter a whole number") from None
    if question.min is not None and number < question.min:
        raise _problem(question, f"{question.min}以上で入力してください", f"must be at least {question.min}")
    if question.max is not None and number > question.max:
        raise _problem(question, f"{question.max}以下で入力してください", f"must be at most {question.max}")
    return number


def clean_answers(
    raw: Mapping[str, object], *, graph: QuestionGraph | None = None
) -> dict[str, AnswerValue]:
    """Keep only well-formed answers to known questions (state that came back from a URL)."""
    graph = graph or load_graph()
    out: dict[str, AnswerValue] = {}
    for question in graph.questions:
        if question.id not in raw:
            continue
        value = raw[question.id]
        try:
            if value is None:
                if question.optional:
                    out[question.id] = None
                continue
            if isinstance(value, list):
                items = [str(v) for v in value]
            elif isinstance(value, bool):
                continue
            else:
                items = [str(value)]
            out[question.id] = parse_answer(question, items)
        except InputError:
            continue
    return out
