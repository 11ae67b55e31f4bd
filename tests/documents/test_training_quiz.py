"""The quiz: a person who answers as the judgment does passes; the sheet varies by person and attempt."""

from __future__ import annotations

import pytest

from kasuhara.company import Thresholds
from kasuhara.documents.training import build_quiz, grade
from kasuhara.errors import InputError
from kasuhara.judge import judge, load_scenarios, parse_facts

LIMITS = [Thresholds(), Thresholds(20, 5, 7), Thresholds(60, 20, 7)]


@pytest.mark.parametrize("module", ["staff", "supervisor"])
@pytest.mark.parametrize("limits", LIMITS, ids=["default", "strict", "lenient"])
@pytest.mark.parametrize("seed", ["", "user1:attempt0", "user7:attempt3"])
def test_every_answer_is_the_judgments_own_under_the_company_limits(module: str, limits: Thresholds, seed: str) -> None:
    scenarios = {s.name: s for s in load_scenarios()}
    quiz = build_quiz(module, limits, seed)
    assert len(quiz) == 8
    for q in quiz:
        a = judge(parse_facts(dict(scenarios[q.scenario].facts)), thresholds=limits)
        assert q.answer in {c.id for c in q.choices}
        if q.kind == "determination":
            assert q.answer == a.determination.id
        else:
            recommended = {x.action.id for x in a.actions}
            assert q.answer in recommended
            # only one choice is right: the others are responses the judgment does not give here
            assert [c.id for c in q.choices if c.id in recommended] == [q.answer]
            # the answer is what sets the case apart, not the record-keeping every case needs
            assert q.answer != "preserve_evidence" or recommended <= {"preserve_evidence", "supervisor_takeover"}
        # the stem never tells a behaviour that a legitimate answer then ignores
        if q.answer == "legitimate_complaint":
            assert "乱暴な言葉や威圧的な態度はありませんでした" in q.prompt.ja
        # a time past the company's limit is never told with an answer that ignores it
        minutes = scenarios[q.scenario].facts.get("duration_minutes")
        if isinstance(minutes, int) and minutes > limits.time_limit_minutes and q.kind == "determination":
            assert q.answer == "customer_harassment"
        if q.answer == "needs_fact_finding":
            assert "まだ確認できていません" in q.prompt.ja
        assert "その他の対応" not in q.prompt.ja
        # the id names neither the scenario nor the answer
        assert q.scenario not in q.id and q.answer not in q.id and ":" not in q.id


def test_the_sheet_varies_by_person_and_attempt_but_not_on_reload() -> None:
    sheets = {tuple(q.scenario for q in build_quiz("staff", Thresholds(), f"user{u}:attempt{n}")) for u in range(5) for n in range(2)}
    assert len(sheets) >= 5
    assert build_quiz("staff", Thresholds(), "user1:attempt0") == build_quiz("staff", Thresholds(), "user1:attempt0")


def test_quiz_covers_every_determination() -> None:
    assert {q.answer for q in build_quiz("staff")} == {
        "customer_harassment", "unjustified_demand", "needs_fact_finding", "legitimate_complaint"}


def test_a_sheet_is_graded_only_against_its_own_seed() -> None:
    mine = build_quiz("staff", Thresholds(), "user1:attempt0")
    right = {q.id: q.answer for q in mine}
    assert grade("staff", right, seed="user1:attempt0").score == 100
    with pytest.raises(InputError):
        grade("staff", right, seed="user2:attempt0")


def test_a_call_centre_is_asked_only_about_calls_mail_chat_and_posts() -> None:
    from kasuhara.judge import load_scenarios

    channels = {s.name: s.facts.get("channel", "in_person") for s in load_scenarios()}
    for seed in ("user1:attempt0", "user2:attempt0", "user3:attempt1"):
        quiz = build_quiz("staff", Thresholds(20, 5, 7), seed, "call_center")
        assert len(quiz) == 8
        assert {channels[q.scenario] for q in quiz} <= {"phone", "email", "chat", "sns", "letter"}
        assert not any("来店" in q.prompt.ja for q in quiz)
