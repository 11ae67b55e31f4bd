"""The question graph as typed values, loaded strictly from `questions.yaml`.

Why strict: the graph is data that people edit; a typo in a facts path or a condition must fail
at load with the question named, not silently skip a question in front of a clerk mid-incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kasuhara.errors import KnowledgeBaseError, Message
from kasuhara.knowledge.conditions import CHOICE, FLAG, Cond, Vocabulary, compile_condition
from kasuhara.strict_yaml import strict_load

KINDS = ("single", "multi", "number", "text")
FACT_PATHS = (
    "channel",
    "demand.kind",
    "demand.validity",
    "demand.related_to_service",
    "duration_minutes",
    "contacts_in_period.count",
    "contacts_in_period.days",
    "asked_to_leave",
    "injury",
    "public",
    "staff_is_public_official",
    "utterances",
    "physical_contact",
    "stayed_after_request",
    "accommodation_request",
)
THRESHOLD_PARAMS = ("time_limit_minutes", "repeat_contacts", "repeat_days")
_QUESTION_KEYS = {"id", "kind", "answers", "ask_if", "sets", "also_set", "min", "max", "optional", "params", "danger"}
_ANSWER_KEYS = {"id", "set", "behaviours", "exclusive"}


class InterviewDataError(KnowledgeBaseError):
    """`questions.yaml` is malformed; the message names the question."""


def _fail(where: str, what_ja: str, what_en: str) -> InterviewDataError:
    return InterviewDataError(Message(f"questions.yaml {where}: {what_ja}", f"questions.yaml {where}: {what_en}"))


Condition = Cond
"""When a question is asked: a compiled condition of the one data condition language
(kasuhara.knowledge.conditions), evaluated on the facts, behaviours and answers gathered so far."""


@dataclass(frozen=True)
class Answer:
    """One possible answer: the facts it sets and the behaviours it reports."""

    id: str
    set: Mapping[str, object]
    behaviours: tuple[str, ...] = ()
    exclusive: bool = False


@dataclass(frozen=True)
class Question:
    """One question: single or multiple choice, a number, or free text."""

    id: str
    kind: str
    answers: tuple[Answer, ...] = ()
    ask_if: Condition | None = None
    sets: str | None = None
    also_set: Mapping[str, str] | None = None
    min: int | None = None
    max: int | None = None
    optional: bool = False
    params: tuple[str, ...] = ()
    danger: bool = False

    def answer(self, answer_id: str) -> Answer | None:
        for answer in self.answers:
            if answer.id == answer_id:
                return answer
        return None

    @property
    def answer_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.answers)


@dataclass(frozen=True)
class QuestionGraph:
    """All questions in asking order."""

    version: int
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        for question in self.questions:
            if question.id == question_id:
                return question
        return None

    def behaviour_ids(self) -> set[str]:
        return {b for q in self.questions for a in q.answers for b in a.behaviours}


_FLAGS = {"demand.related_to_service", "injury", "public", "staff_is_public_official", "physical_contact",
          "stayed_after_request", "accommodation_request"}


def _condition(raw: Any, where: str, known: set[str]) -> Condition:
    """Compile `ask_if` in the shared condition language; the answers it may name are earlier questions."""
    vocab = Vocabulary({path: FLAG if path in _FLAGS else CHOICE for path in FACT_PATHS}, answers=frozenset(known))
    problems: list[str] = []
    compiled = compile_condition(raw, vocab, lambda at, message: problems.append(f"{at}: {message}"), "ask_if")
    if problems:
        raise _fail(where, "条件の誤り: " + "; ".join(problems), "bad condition: " + "; ".join(problems))
    return compiled


def _answer(raw: Any, where: str) -> Answer:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise _fail(where, "回答には id が必要です", "each answer needs an id")
    unknown = set(raw) - _ANSWER_KEYS
    if unknown:
        raise _fail(where, f"不明な回答キー {sorted(unknown)}", f"unknown answer keys {sorted(unknown)}")
    sets = raw.get("set") or {}
    if not isinstance(sets, Mapping):
        raise _fail(where, "set はオブジェクトです", "set must be a mapping")
    for path in sets:
        if path not in FACT_PATHS:
            raise _fail(f"{where}.{raw['id']}", f"不明な事実 {path}", f"unknown fact {path}")
    behaviours = raw.get("behaviours") or []
    if not isinstance(behaviours, list) or not all(isinstance(b, str) for b in behaviours):
        raise _fail(where, "behaviours は文字列のリストです", "behaviours must list strings")
    return Answer(id=raw["id"], set=dict(sets), behaviours=tuple(behaviours), exclusive=bool(raw.get("exclusive")))


def _question(raw: Any, index: int, known: set[str]) -> Question:
    where = f"questions[{index}]"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise _fail(where, "質問には id が必要です", "each question needs an id")
    qid = raw["id"]
    where = f"question {qid}"
    unknown = set(raw) - _QUESTION_KEYS
    if unknown:
        raise _fail(where, f"不明なキー {sorted(unknown)}", f"unknown keys {sorted(unknown)}")
    if qid in known:
        raise _fail(where, "id が重複しています", "duplicate id")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(where, f"kind は {KINDS} のいずれか", f"kind must be one of {KINDS}")
    answers = tuple(_answer(a, where) for a in raw.get("answers") or [])
    ids = [a.id for a in answers]
    if len(set(ids)) != len(ids):
        raise _fail(where, "回答 id が重複しています", "duplicate answer ids")
    if kind in ("single", "multi") and len(answers) < 2:
        raise _fail(where, "選択肢が2つ以上必要です", "needs at least two answers")
    sets = raw.get("sets")
    if kind in ("number", "text"):
        if answers:
            raise _fail(where, "数値・文章の質問に選択肢は不要です", "number/text questions take no answers")
        if sets not in FACT_PATHS:
            raise _fail(where, f"sets に不明な事実 {sets}", f"sets names an unknown fact {sets}")
    elif sets is not None:
        raise _fail(where, "選択式の質問は各回答の set を使います", "choice questions set facts per answer")
    also_set = raw.get("also_set")
    bad_also = also_set is not None and (
        not isinstance(also_set, Mapping)
        or any(k not in FACT_PATHS or v not in THRESHOLD_PARAMS for k, v in also_set.items())
    )
    if bad_also:
        raise _fail(where, "also_set は 事実: 基準値名 です", "also_set maps facts to threshold names")
    params = tuple(raw.get("params") or ())
    if any(p not in THRESHOLD_PARAMS for p in params):
        raise _fail(where, f"params は {THRESHOLD_PARAMS} から", f"params must be among {THRESHOLD_PARAMS}")
    ask_if = _condition(raw["ask_if"], where, known) if "ask_if" in raw else None
    low, high = raw.get("min"), raw.get("max")
    for name, value in (("min", low), ("max", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _fail(where, f"{name} は整数です", f"{name} must be an integer")
    return Question(
        id=qid,
        kind=kind,
        answers=answers,
        ask_if=ask_if,
        sets=sets,
        also_set=dict(also_set) if also_set else None,
        min=low,
        max=high,
        optional=bool(raw.get("optional")),
        params=params,
        danger=bool(raw.get("danger")),
    )


def parse_graph(data: Any) -> QuestionGraph:
    """Build the graph from parsed YAML, failing loudly on anything unexpected."""
    if not isinstance(data, Mapping) or not isinstance(data.get("questions"), list):
        raise _fail("top", "questions のリストが必要です", "needs a questions list")
    known: set[str] = set()
    questions: list[Question] = []
    for index, raw in enumerate(data["questions"]):
        question = _question(raw, index, known)
        known.add(question.id)
        questions.append(question)
    version = data.get("version", 1)
    if not isinstance(version, int):
        raise _fail("top", "version は整数です", "version must be an integer")
    return QuestionGraph(version=version, questions=tuple(questions))


@cache
def load_graph() -> QuestionGraph:
    """The packaged question graph (read once per process)."""
    text = (resources.files("kasuhara.interview") / "questions.yaml").read_text(encoding="utf-8")
    try:
        data = strict_load(text)
    except yaml.YAMLError as exc:  # a duplicate key or bad syntax: name the file, never guess
        raise _fail("file", f"YAMLの誤り: {exc}", f"malformed YAML: {exc}") from exc
    return parse_graph(data)
