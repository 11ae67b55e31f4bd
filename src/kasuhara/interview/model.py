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
from kasuhara.knowledge.loader import strict_load

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
)
THRESHOLD_PARAMS = ("time_limit_minutes", "repeat_contacts", "repeat_days")
_QUESTION_KEYS = {"id", "kind", "answers", "ask_if", "sets", "also_set", "min", "max", "optional", "params", "danger"}
_ANSWER_KEYS = {"id", "set", "behaviours", "exclusive"}
_CONDITION_KEYS = {"behaviours_any", "fact", "in", "not_in", "answer", "all", "any", "not"}


class InterviewDataError(KnowledgeBaseError):
    """`questions.yaml` is malformed; the message names the question."""


def _fail(where: str, what_ja: str, what_en: str) -> InterviewDataError:
    return InterviewDataError(Message(f"questions.yaml {where}: {what_ja}", f"questions.yaml {where}: {what_en}"))


@dataclass(frozen=True)
class Condition:
    """When a question is asked; evaluated on the facts and answers gathered so far."""

    behaviours_any: tuple[str, ...] = ()
    fact: str | None = None
    in_: tuple[object, ...] | None = None
    not_in: tuple[object, ...] | None = None
    answer: str | None = None
    all_: tuple[Condition, ...] = ()
    any_: tuple[Condition, ...] = ()
    not_: Condition | None = None


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


def _condition(raw: Any, where: str, known: set[str]) -> Condition:
    if not isinstance(raw, Mapping) or not raw:
        raise _fail(where, "条件はオブジェクトで指定してください", "a condition must be a mapping")
    unknown = set(raw) - _CONDITION_KEYS
    if unknown:
        raise _fail(where, f"不明な条件キー {sorted(unknown)}", f"unknown condition keys {sorted(unknown)}")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise _fail(where, f"{key} はリストです", f"{key} must be a non-empty list")
        parts = tuple(_condition(item, where, known) for item in items)
        return Condition(all_=parts) if key == "all" else Condition(any_=parts)
    if "not" in raw:
        return Condition(not_=_condition(raw["not"], where, known))
    if "behaviours_any" in raw:
        ids = raw["behaviours_any"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise _fail(where, "behaviours_any は文字列のリストです", "behaviours_any must list strings")
        return Condition(behaviours_any=tuple(ids))
    values_in = raw.get("in")
    values_not_in = raw.get("not_in")
    if (values_in is None) == (values_not_in is None):
        raise _fail(where, "in か not_in のどちらか一つが必要です", "exactly one of in / not_in is needed")
    values = values_in if values_in is not None else values_not_in
    if not isinstance(values, list):
        raise _fail(where, "in / not_in はリストです", "in / not_in must be a list")
    if "fact" in raw:
        if raw["fact"] not in FACT_PATHS:
            raise _fail(where, f"不明な事実 {raw['fact']}", f"unknown fact {raw['fact']}")
        fact: str | None = str(raw["fact"])
        answer = None
    elif "answer" in raw:
        if raw["answer"] not in known:
            raise _fail(where, f"前に無い質問 {raw['answer']}", f"refers to no earlier question {raw['answer']}")
        fact, answer = None, str(raw["answer"])
    else:
        raise _fail(where, "fact か answer が必要です", "needs fact or answer")
    return Condition(
        fact=fact,
        answer=answer,
        in_=tuple(values) if values_in is not None else None,
        not_in=tuple(values) if values_not_in is not None else None,
    )


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
