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
    assert evaluate(law("tokyo"), {q.id: "yes" for q in qs}, SystemState()).score == 100
    empty = evaluate(law("tokyo"), {}, SystemState())
    assert empty.score == 0 and len(empty.gaps) == len(qs)


def test_system_knowledge_overrides_the_answer() -> None:
    answers = {"desk_set_up": "yes", "training_done": "yes", "policy_defined": "no"}
    state = SystemState(desk_configured=False, trained_share=0.5, policy_generated=True)
    result = evaluate(law("kuwana"), answers, state)
    by_id = {r.question.id: r for r in result.results}
    assert by_id["desk_set_up"].answer == "no" and by_id["desk_set_up"].origin == "system"
    assert by_id["training_done"].answer == "partial" and by_id["training_done"].evidence == "50%"
    assert by_id["policy_defined"].answer == "yes"
    assert "desk_set_up" in {g.question.id for g in result.gaps}


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
