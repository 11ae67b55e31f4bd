"""The self-check scores against the Act's categories (and Tokyo's where it applies), lets the
system's knowledge override an answer, and lists gaps; the quiz answers are the judgment's."""

from __future__ import annotations

import pytest
from docs_helpers import ON, company

from kasuhara.documents.legal import legal_context
from kasuhara.documents.selfcheck import SystemState, evaluate, parse_answers, state_from_company
from kasuhara.documents.training import build_quiz, grade
from kasuhara.errors import InputError


def law(key: str):  # type: ignore[no-untyped-def]
    co = company(key)
    return legal_context(on=ON, lang="ja", prefecture_code=co.prefecture_code, municipality_code=co.municipality_code)


def test_tokyo_has_the_ordinance_category_kuwana_does_not() -> None:
    tokyo = {c.id for c in evaluate(law("tokyo"), {}, SystemState()).categories}
    kuwana = {c.id for c in evaluate(law("kuwana"), {}, SystemState()).categories}
    assert "tokyo" in tokyo and "tokyo" not in kuwana
    assert {f"measure_{i}" for i in range(1, 6)} <= kuwana


def test_act_categories_absent_before_the_act_applies() -> None:
    co = company("tokyo")
    before = legal_context(on=ON.replace(year=2026, month=9, day=30), lang="ja", prefecture_code=co.prefecture_code,
                           municipality_code=co.municipality_code)
    cats = {c.id for c in evaluate(before, {}, SystemState()).categories}
    assert cats == {"tokyo"}


def test_score_all_yes_is_100_and_empty_is_0() -> None:
    from kasuhara.documents.selfcheck import applicable

    _, qs = applicable(law("tokyo"))
    full = {q.id: {"date": "2026-11-01", "choice": "training"}.get(q.answer_type, "yes") for q in qs}
    assert evaluate(law("tokyo"), full, SystemState()).score == 100
    empty = evaluate(law("tokyo"), {}, SystemState())
    assert empty.score == 0 and len(empty.gaps) == len(qs)


def test_system_knowledge_overrides_the_answer() -> None:
    answers = {"desk_set_up": "yes", "training_done": "yes", "policy_defined": "no"}
    state = SystemState(desk_configured=False, trained_share=0.5, policy_generated=True)
    result = evaluate(law("kuwana"), answers, state)
    by_id = {r.question.id: r for r in result.results}
    assert by_id["desk_set_up"].answer == "no" and by_id["desk_set_up"].origin == "system"
    assert by_id["training_done"].answer == "partial" and by_id["training_done"].evidence == "50%"
    # a generated policy is not an adopted one: only a person's approval makes it "yes"
    assert by_id["policy_defined"].answer == "partial" and "未承認" in by_id["policy_defined"].evidence
    assert "desk_set_up" in {g.question.id for g in result.gaps}
    from datetime import date

    adopted = evaluate(law("kuwana"), answers, SystemState(policy_generated=True, policy_approved_on=date(2026, 11, 2)))
    by_id = {r.question.id: r for r in adopted.results}
    assert by_id["policy_defined"].answer == "yes"
    assert by_id["policy_adopted_on"].answer == "yes" and by_id["policy_adopted_on"].evidence == "2026-11-02"


def test_training_is_a_measure_of_communication_and_the_missing_items_are_asked() -> None:
    result = evaluate(law("kuwana"), {}, SystemState())
    by_id = {r.question.id: r for r in result.results}
    assert by_id["training_done"].question.category == "measure_1"
    for item in ("fact_finding", "not_alone", "stop_request", "recurrence_prevention", "cooperation_other_employers",
                 "dispatched_workers", "policy_adopted_on", "staff_told_how"):
        assert item in by_id, item
    # Kuwana's own ordinance is a category of its own; Tokyo's has its own, not this one
    assert "local_ordinance_measures" in by_id
    assert "local_ordinance_measures" not in {r.question.id for r in evaluate(law("tokyo"), {}, SystemState()).results}


def test_every_gap_has_a_priority_an_owner_a_deadline_and_says_whether_it_is_a_legal_duty() -> None:
    result = evaluate(law("tokyo"), {}, SystemState())
    priorities = [g.question.priority for g in result.gaps]
    assert priorities == sorted(priorities, key=["high", "medium", "low"].index)  # most urgent first
    for g in result.gaps:
        assert g.question.duty in ("legal", "best_effort", "good_practice") and g.question.owner.ja
        assert result.deadline(g) > ON
    by_id = {g.question.id: g for g in result.gaps}
    assert by_id["desk_set_up"].question.duty == "legal" and by_id["desk_set_up"].question.priority == "high"
    assert by_id["policy_published"].question.duty == "good_practice"


def test_dates_and_choices_are_checked() -> None:
    assert parse_answers({"policy_adopted_on": "2026-11-01", "staff_told_how": "briefing"}) == {
        "policy_adopted_on": "2026-11-01", "staff_told_how": "briefing"}
    with pytest.raises(InputError) as exc:
        parse_answers({"policy_adopted_on": "yesterday", "staff_told_how": "telepathy"})
    assert {p.field for p in exc.value.problems} == {"policy_adopted_on", "staff_told_how"}


def test_company_file_tells_the_desk() -> None:
    assert state_from_company(company("tokyo")).desk_configured is True


def test_bad_answers_name_the_question() -> None:
    with pytest.raises(InputError) as exc:
        parse_answers({"desk_set_up": "maybe", "nonsense": "yes"})
    assert {p.field for p in exc.value.problems} == {"desk_set_up", "nonsense"}
    assert parse_answers({"desk_set_up": True}) == {"desk_set_up": "yes"}


def test_grading() -> None:
    quiz = build_quiz("staff")
    right = {q.id: q.answer for q in quiz}
    assert grade("staff", right).passed and grade("staff", right).score == 100
    wrong = dict(right)
    for q in quiz[:2]:
        wrong[q.id] = next(c.id for c in q.choices if c.id != q.answer)
    result = grade("staff", wrong)
    assert result.score == 75 and not result.passed and len(result.wrong) == 2
    with pytest.raises(InputError):
        grade("staff", {"made-up": "x"})
