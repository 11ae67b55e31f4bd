"""The one condition language: the same grammar in the knowledge base, the interview and deterrence."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from kasuhara.knowledge.conditions import CHOICE, COUNT, FLAG, Vocabulary, compile_condition

VOCAB = Vocabulary({"channel": CHOICE, "injury": FLAG, "asked": COUNT}, {"channel": ("phone", "in_person")},
                   behaviour_ids={"threat", "sexual"}, answers={"leave"})


@dataclass
class Case:
    facts: dict[str, Any] = field(default_factory=dict)
    behaviours: Collection[str] = ()
    answers: dict[str, Any] = field(default_factory=dict)

    def fact(self, name: str) -> Any:
        return self.facts.get(name)

    def answer(self, question: str) -> Any:
        return self.answers.get(question)


def compiled(raw: Any, vocab: Vocabulary = VOCAB) -> tuple[Any, list[str]]:
    problems: list[str] = []
    cond = compile_condition(raw, vocab, lambda where, message: problems.append(f"{where}: {message}"), "c")
    return cond, problems


def test_short_and_long_forms_mean_the_same() -> None:
    short, _ = compiled({"channel": ["phone"]})
    long, _ = compiled({"fact": "channel", "in": ["phone"]})
    for channel in ("phone", "in_person", None):
        case = Case({"channel": channel})
        assert short(case) == long(case)


def test_unknown_yes_no_fact_matches_neither_true_nor_false() -> None:
    yes, _ = compiled({"injury": True})
    no, _ = compiled({"injury": False})
    assert not yes(Case()) and not no(Case())
    assert yes(Case({"injury": True})) and no(Case({"injury": False}))


def test_a_count_short_form_is_more_than_zero() -> None:
    asked, _ = compiled({"asked": True})
    assert asked(Case({"asked": 2})) and not asked(Case({"asked": 0})) and not asked(Case())


def test_combinators_behaviours_and_answers() -> None:
    cond, problems = compiled({"all": [{"behaviours_any": ["threat"]}, {"answer": "leave", "in": ["refused"]},
                                       {"not": {"channel": ["phone"]}}]})
    assert problems == []
    assert cond(Case({"channel": "in_person"}, ["threat"], {"leave": "refused"}))
    assert not cond(Case({"channel": "phone"}, ["threat"], {"leave": "refused"}))


def test_every_problem_is_named() -> None:
    _, problems = compiled({"all": [{"moon": True}, {"behaviour": "jaywalking"}, {"channel": ["fax"]},
                                    {"answer": "later", "in": ["x"]}]})
    text = "\n".join(problems)
    assert "c.all[0]: unknown condition 'moon'" in text
    assert "c.all[1]: dangling reference to unknown behaviour 'jaywalking'" in text
    assert "c.all[2]: channel: must be a list of phone, in_person" in text
    assert "c.all[3]: refers to no earlier question 'later'" in text


def test_deterrence_conditions_look_at_behaviours_only() -> None:
    _, problems = compiled({"channel": ["phone"]}, Vocabulary({"channel": CHOICE}, behaviours_only=True))
    assert problems and "only behaviour conditions" in problems[0]


def test_the_interview_reads_the_knowledge_base_short_form_too() -> None:
    """One language: a question may say `{channel: [phone]}` as the knowledge base does."""
    from kasuhara.interview.flow import holds
    from kasuhara.interview.model import parse_graph

    graph = parse_graph({"questions": [
        {"id": "first", "kind": "single", "answers": [{"id": "a"}, {"id": "b"}]},
        {"id": "second", "kind": "single", "ask_if": {"all": [{"channel": ["phone"]}, {"answer": "first", "in": ["a"]}]},
         "answers": [{"id": "x"}, {"id": "y"}]},
    ]})
    second = graph.questions[1]
    assert second.ask_if is not None
    assert holds(second.ask_if, {"channel": "phone"}, [], {"first": "a"})
    assert not holds(second.ask_if, {"channel": "email"}, [], {"first": "a"})
