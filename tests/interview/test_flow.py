"""The guided judgment's question flow: danger first, only questions that still matter, facts out."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kasuhara.company import Thresholds
from kasuhara.errors import InputError
from kasuhara.interview import clean_answers, load_graph, parse_answer, walk
from kasuhara.interview.model import InterviewDataError, parse_graph


def ids(steps: Any, status: str) -> list[str]:
    return [s.question.id for s in steps if s.status == status]


def test_danger_is_the_first_question() -> None:
    first = walk({})
    assert first.next is not None and first.next.id == "danger"
    assert first.next.danger
    assert not first.safety


def test_violence_sets_safety_at_once_and_asks_about_injury() -> None:
    after = walk({"danger": ["violence"]})
    assert after.safety
    assert after.behaviours == ("physical_attack",)
    assert after.next is not None and after.next.id == "injury"


def test_no_danger_skips_injury_and_official() -> None:
    answers = {
        "danger": ["none"],
        "channel": "email",
        "words": ["none"],
        "conduct": ["none"],
        "contacts": 1,
        "demand_kind": "refund",
        "demand_related": "yes",
        "demand_validity": "valid",
        "utterances": None,
    }
    done = walk(answers)
    assert done.done and not done.safety
    skipped = ids(done.steps, "not_applicable")
    # email: no asking to leave, no duration; no violence: no injury, no public-official question
    assert {"injury", "leave", "leave_count", "duration", "official", "public"} <= set(skipped)
    assert done.facts == {
        "behaviours": [],
        "channel": "email",
        "contacts_in_period": {"count": 1, "days": 7},
        "demand": {"kind": "refund", "related_to_service": True, "validity": "valid"},
    }


def test_contacts_days_follow_the_company_threshold() -> None:
    answers = {"danger": ["none"], "channel": "email", "words": ["none"], "conduct": ["none"], "contacts": 12}
    done = walk(answers, thresholds=Thresholds(repeat_days=30))
    assert done.facts["contacts_in_period"] == {"count": 12, "days": 30}


def test_refusal_to_leave_asks_how_many_times() -> None:
    base: dict[str, Any] = {"danger": ["none"], "channel": "in_person", "words": ["none"], "conduct": ["none"]}
    asked = walk({**base, "leave": "refused"})
    assert asked.next is not None and asked.next.id == "leave_count"
    assert "refusal_to_leave" in asked.behaviours
    assert walk({**base, "leave": "refused", "leave_count": 3}).facts["asked_to_leave"] == 3
    complied = walk({**base, "leave": "complied"})
    assert complied.next is not None and complied.next.id == "duration"
    assert complied.facts["asked_to_leave"] == 1
    # art. 130 needs the stay itself, so the answer records it, not only the count
    assert asked.facts["stayed_after_request"] is True
    assert complied.facts["stayed_after_request"] is False


def test_sexual_conduct_asks_about_physical_contact() -> None:
    """Art. 176 needs an indecent act: the flow asks whether there was touching, only when it matters."""
    base: dict[str, Any] = {"danger": ["none"], "channel": "in_person"}
    sexual = walk({**base, "words": ["sexual"]})
    assert sexual.next is not None and sexual.next.id == "contact"
    assert walk({**base, "words": ["sexual"], "contact": "yes"}).facts["physical_contact"] is True
    other = walk({**base, "words": ["verbal_abuse"]})
    assert other.next is not None and other.next.id == "conduct"


def test_no_demand_skips_validity_and_unrelated_demand_skips_validity() -> None:
    base: dict[str, Any] = {
        "danger": ["none"], "channel": "letter", "words": ["verbal_abuse"], "conduct": ["none"], "contacts": None,
    }
    none = walk({**base, "demand_kind": "none"})
    assert none.next is not None and none.next.id == "public"
    assert {"demand_related", "demand_validity"} <= set(ids(none.steps, "not_applicable"))
    unrelated = walk({**base, "demand_kind": "other", "demand_related": "no"})
    assert "demand_validity" in ids(unrelated.steps, "not_applicable")
    assert unrelated.facts["demand"] == {"kind": "other", "related_to_service": False}


def test_changing_an_earlier_answer_drops_answers_that_no_longer_apply() -> None:
    answers: dict[str, Any] = {"danger": ["violence"], "injury": "yes", "channel": "phone"}
    assert walk(answers).facts["injury"] is True
    answers["danger"] = ["none"]
    changed = walk(answers)
    assert "injury" not in changed.facts
    assert "injury" not in changed.answers
    assert changed.behaviours == ()


def test_text_answer_becomes_utterances_one_per_line() -> None:
    graph = load_graph()
    question = graph.question("utterances")
    assert question is not None
    value = parse_answer(question, ["責任者を出せ\n\n土下座しろ  "])
    answers = {"danger": ["none"], "channel": "sns", "words": ["none"], "conduct": ["none"],
               "contacts": None, "demand_kind": "none", "utterances": value}
    assert walk(answers).facts["utterances"] == ["責任者を出せ", "土下座しろ"]


@pytest.mark.parametrize(
    ("qid", "raw", "field_text"),
    [
        ("channel", [], "channel"),
        ("channel", ["fax"], "channel"),
        ("danger", ["violence", "none"], "danger"),
        ("danger", [], "danger"),
        ("duration", ["-5"], "duration"),
        ("duration", ["abc"], "duration"),
        ("leave_count", ["0"], "leave_count"),
    ],
)
def test_bad_answers_name_the_question(qid: str, raw: list[str], field_text: str) -> None:
    question = load_graph().question(qid)
    assert question is not None
    with pytest.raises(InputError) as info:
        parse_answer(question, raw)
    assert info.value.problems[0].field == field_text
    assert info.value.problems[0].message.ja and info.value.problems[0].message.en


def test_full_width_digits_and_skipping_optional_numbers() -> None:
    question = load_graph().question("duration")
    assert question is not None
    assert parse_answer(question, ["４５"]) == 45
    assert parse_answer(question, [""], skip=True) is None
    required = load_graph().question("channel")
    assert required is not None
    with pytest.raises(InputError):
        parse_answer(required, [], skip=True)


def test_clean_answers_drops_junk_from_a_tampered_url() -> None:
    cleaned = clean_answers({"danger": ["violence"], "channel": "fax", "nope": 1, "duration": "45",
                             "contacts": True, "utterances": None})
    assert cleaned == {"danger": ["violence"], "duration": 45, "utterances": None}


def test_every_behaviour_in_the_graph_is_a_contract_id() -> None:
    contract = {
        "physical_attack", "threat", "verbal_abuse", "intimidation", "forced_kneeling", "excessive_demand",
        "repeated_contact", "refusal_to_leave", "prolonged_restraint", "confinement", "discriminatory",
        "sexual", "attack_on_individual", "sns_exposure", "unauthorized_filming", "defamation",
        "property_damage", "business_disruption", "following", "deception",
    }
    used = load_graph().behaviour_ids()
    assert used <= contract
    # only the two inferred behaviours are not asked directly: they come from duration and contacts
    assert contract - used == {"repeated_contact", "prolonged_restraint"}


@pytest.mark.parametrize(
    "doc",
    [
        "questions: [{id: a, kind: single, answers: [{id: x}]}]",
        "questions: [{id: a, kind: dropdown, answers: [{id: x}, {id: y}]}]",
        "questions: [{id: a, kind: number, sets: not_a_fact}]",
        "questions: [{id: a, kind: single, answers: [{id: x, set: {colour: red}}, {id: y}]}]",
        "questions: [{id: a, kind: single, answers: [{id: x}, {id: x}]}]",
        "questions: [{id: a, kind: text, sets: utterances, ask_if: {answer: later, in: [x]}}]",
        "questions: [{id: a, kind: text, sets: utterances, ask_if: {fact: channel}}]",
        "questions: [{id: a, kind: text, sets: utterances, typo: 1}]",
        "questions: [{id: a, kind: text, sets: utterances}, {id: a, kind: text, sets: utterances}]",
    ],
)
def test_malformed_graphs_fail_loudly(doc: str) -> None:
    with pytest.raises(InterviewDataError) as info:
        parse_graph(yaml.safe_load(doc))
    assert "questions.yaml" in info.value.text("en")


def test_an_excessive_demand_asks_whether_it_is_a_request_for_accommodation() -> None:
    """A disabled person's request to remove a social barrier is not harassment in itself (障害者差別解消法 8(2))."""
    base: dict[str, Any] = {"danger": ["none"], "channel": "in_person", "words": ["none"], "conduct": ["excessive_demand"],
                            "leave": "not_asked", "duration": 10, "contacts": None, "demand_kind": "service",
                            "demand_related": "yes", "demand_validity": "invalid"}
    walked = walk(base)
    assert walked.next is not None and walked.next.id == "accommodation"
    assert walk({**base, "accommodation": "yes"}).facts["accommodation_request"] is True
