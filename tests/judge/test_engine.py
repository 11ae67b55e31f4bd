"""The two-axis judgment: what it decides and why, beyond what the scenario files cover."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from kasuhara.company import Thresholds
from kasuhara.errors import Message, NotInForceError
from kasuhara.findings import ScreenFinding
from kasuhara.judge import judge, parse_facts

TODAY = date(2026, 11, 23)


def facts(**fields: Any) -> Any:
    base: dict[str, Any] = {
        "occurred_at": "2026-11-10",
        "location": {"prefecture": "東京都"},
        "channel": "in_person",
        "demand": {"kind": "refund", "validity": "invalid"},
    }
    base.update(fields)
    return parse_facts(base, today=TODAY)


def test_json_contract_keys() -> None:
    out = judge(facts(behaviours=["threat"])).to_dict()
    for key in ("determination", "demand_assessment", "manner_assessment", "behaviours", "offences", "actions",
                "applicable_rules", "trace", "knowledge_base_version"):
        assert key in out
    offence = out["offences"][0]
    assert offence["article"] == "222" and isinstance(offence["article"], str)
    assert offence["law"]["ja"] == "刑法"
    assert offence["penalty"]["ja"] and offence["penalty"]["effective_from"] == "2025-06-01"
    assert offence["complaint_required"] is False and offence["elements_to_verify"] and offence["sources"]
    action = out["actions"][0]
    assert {"id", "urgency", "text"} <= set(action) and set(action["text"]) == {"ja", "en"}
    assert out["behaviours"][0]["origin"] == "reported"
    json.dumps(out)  # serialisable


def test_actions_are_ordered_safety_first() -> None:
    a = judge(facts(behaviours=["verbal_abuse", "physical_attack"], injury=False))
    ids = a.action_ids
    assert ids[0] == "ensure_safety" and ids.index("call_police") < ids.index("preserve_evidence")
    urgencies = [x.action.urgency for x in a.actions]
    order = ["immediate", "urgent", "soon", "follow_up"]
    assert urgencies == sorted(urgencies, key=order.index)


def test_unknown_injury_keeps_208_but_asks_about_it() -> None:
    a = judge(facts(behaviours=["physical_attack"]))
    assert a.offence_ids == ("208",)
    assert any("204" in e.ja for e in a.offences[0].elements_to_verify)


def test_complaint_requirement_is_an_element_to_verify() -> None:
    a = judge(facts(behaviours=["verbal_abuse"], public=True))
    insult = a.offences[0]
    assert insult.offence.complaint_required and any("告訴" in e.ja for e in insult.elements_to_verify)


def test_trace_explains_an_offence_not_met() -> None:
    a = judge(facts(behaviours=["verbal_abuse"], public=False))
    steps = {t.step: t for t in a.trace}
    assert "公然性" in steps["offence:231"].answer.ja
    assert "publicity" in steps["offence:231"].answer.en


def test_trace_cites_sources_for_each_decision() -> None:
    a = judge(facts(behaviours=["threat"], duration_minutes=40))
    steps = {t.step: t for t in a.trace}
    for step in ("date", "time_limit", "demand", "manner", "determination", "offence:222", "rules", "actions"):
        assert steps[step].sources, step


def test_date_before_coverage_is_a_loud_error() -> None:
    with pytest.raises(NotInForceError):
        judge(facts(occurred_at="2019-05-01"))


def test_thresholds_are_used() -> None:
    f = facts(duration_minutes=25)
    assert "prolonged_restraint" not in judge(f).behaviour_ids
    assert "prolonged_restraint" in judge(f, thresholds=Thresholds(time_limit_minutes=20)).behaviour_ids


def test_utterances_without_screener_are_reported_not_screened() -> None:
    a = judge(facts(utterances=["ばかやろう"]), screener=None)
    assert (a.screening["status"], a.screening["utterances"], a.screening["findings"]) == ("not_screened", 1, 0)
    assert a.suggestions == () and a.if_confirmed is None
    assert any(t.step == "screening" for t in a.trace)
    assert a.determination.id == "unjustified_demand"


def test_utterances_are_screened_by_the_package_screener_by_default() -> None:
    a = judge(facts(utterances=["土下座して謝れ、ネットに晒してやるからな"]))
    assert a.screening["status"] == "screened"
    suggested = {s.behaviour.id for s in a.suggestions}
    assert {"forced_kneeling", "sns_exposure"} <= suggested
    assert a.behaviours == () and a.determination.id == "unjustified_demand"
    assert a.if_confirmed is not None and a.if_confirmed.determination.id == "customer_harassment"


def test_a_polite_refund_request_screens_to_nothing() -> None:
    a = judge(facts(demand={"kind": "refund", "validity": "valid"}, utterances=["返品をお願いできますか"]))
    assert a.screening["status"] == "screened"
    assert a.determination.id == "legitimate_complaint"


def fake_screener(texts: Sequence[str]) -> list[ScreenFinding]:
    """A tiny real screener for the hook: flags a fixed word, with its span."""
    out = []
    for i, text in enumerate(texts):
        if "晒す" in text:
            out.append(ScreenFinding("sns_exposure", 0.9, i, "晒す", Message("投稿の予告", "threat to post")))
        if "殺す" in text:
            out.append(ScreenFinding("threat", 0.95, i, "殺す", Message("害悪の告知", "threat of harm")))
    return out


def test_screened_findings_join_the_judgment_once_confirmed() -> None:
    said = {"demand": {"kind": "refund", "validity": "valid"}, "utterances": ["ネットに晒すぞ", "普通の発言"]}
    assert judge(facts(**said), screener=fake_screener).determination.id == "legitimate_complaint"
    a = judge(facts(**said, screened_confirmed=["sns_exposure"]), screener=fake_screener)
    assert a.determination.id == "customer_harassment"
    (found,) = a.behaviours
    assert found.origin == "screened" and found.evidence[0].text == "晒す"
    assert "晒す" in found.basis.ja
    assert a.screening["status"] == "screened"


def test_screened_evidence_is_attached_to_a_reported_behaviour() -> None:
    a = judge(facts(behaviours=["threat"], utterances=["殺すぞ"]), screener=fake_screener)
    (found,) = a.behaviours
    assert found.origin == "reported" and found.evidence[0].text == "殺す"
    assert a.offence_ids == ("222", "249")


def test_unknown_ids_from_a_screener_are_ignored_and_traced() -> None:
    def odd(texts: Sequence[str]) -> list[ScreenFinding]:
        return [ScreenFinding("telepathy", 1.0, 0, "x", Message("?", "?"))]

    a = judge(facts(utterances=["x"]), screener=odd)
    assert a.behaviours == ()
    assert any("telepathy" in t.answer.en for t in a.trace)


def test_unconfirmed_in_force_date_is_noted() -> None:
    a = judge(facts(occurred_at="2025-01-10"))
    assert "national_guideline:2020" in a.rule_ids
    assert any("unconfirmed" in n.en for n in a.notes)


def test_statutory_test_is_named_from_2026_10_01() -> None:
    before = {t.step: t for t in judge(facts(occurred_at="2026-09-30")).trace}
    after = {t.step: t for t in judge(facts(occurred_at="2026-10-01")).trace}
    assert "第33条" not in before["determination"].answer.ja
    assert "第33条" in after["determination"].answer.ja


def test_harassment_does_not_cancel_what_is_owed() -> None:
    owed = judge(facts(demand={"kind": "exchange", "validity": "valid"}, behaviours=["verbal_abuse"]))
    assert owed.determination.id == "customer_harassment"
    assert "remedy" in owed.action_ids
    not_owed = judge(facts(behaviours=["verbal_abuse"]))
    assert "remedy" not in not_owed.action_ids


def test_threat_to_post_is_explained_when_not_reported_as_a_threat() -> None:
    a = judge(facts(behaviours=["sns_exposure"]))
    steps = {t.step: t for t in a.trace}
    assert a.offence_ids == ()
    assert "脅迫" in steps["offence:222"].answer.ja


def test_explanation_follows_the_manner_axis() -> None:
    excessive = judge(facts(behaviours=["excessive_demand"]))
    assert excessive.determination.id == "customer_harassment"
    assert "妥当性に照らして" in excessive.explanation.ja
    assert "whatever the demand" not in excessive.to_dict()["determination_explanation"]["en"]
    abusive = judge(facts(behaviours=["verbal_abuse"]))
    assert abusive.explanation == abusive.determination.explanation


def test_sexual_remarks_are_not_indecency_but_touching_may_be() -> None:
    words = judge(facts(behaviours=["sexual"], demand={"kind": "none"}))
    touch = judge(facts(behaviours=["sexual"], demand={"kind": "none"}, physical_contact=True))
    assert "176" not in words.offence_ids and "176" in touch.offence_ids
    assert "call_police" not in words.action_ids and "call_police" in touch.action_ids


def test_requests_to_leave_count_only_with_the_stay() -> None:
    unknown = judge(facts(asked_to_leave=3))
    stayed = judge(facts(asked_to_leave=1, stayed_after_request=True))
    left = judge(facts(asked_to_leave=3, stayed_after_request=False))
    assert "refusal_to_leave" not in unknown.behaviour_ids and "130" not in unknown.offence_ids
    assert "確認してください" in {t.step: t for t in unknown.trace}["asked_to_leave"].answer.ja
    assert "130" in stayed.offence_ids and "call_police" in stayed.action_ids
    assert "refusal_to_leave" not in left.behaviour_ids and "call_police" not in left.action_ids


def test_long_contact_on_unknown_validity_is_fact_finding() -> None:
    a = judge(facts(channel="phone", demand={"kind": "repair", "validity": "unknown"}, duration_minutes=45))
    assert a.determination.id == "needs_fact_finding"
    assert "prolonged_restraint" not in a.behaviour_ids and "consider_ban" not in a.action_ids
    partly = judge(facts(channel="phone", demand={"kind": "repair", "validity": "partially_valid"}, duration_minutes=45))
    assert "prolonged_restraint" in partly.behaviour_ids


def test_partly_valid_demand_meets_the_valid_part_and_declines_the_rest() -> None:
    a = judge(facts(demand={"kind": "exchange", "validity": "partially_valid"}))
    by_id = {f.action.id: f for f in a.actions}
    assert {"remedy", "explain_and_decline"} <= set(by_id)
    assert by_id["explain_and_decline"].conditions[0].ja == "妥当な範囲を超える部分について"


def test_no_explain_and_decline_without_a_demand() -> None:
    a = judge(facts(demand={"kind": "none"}, behaviours=["verbal_abuse"], duration_minutes=90))
    assert "explain_and_decline" not in a.action_ids


def test_accommodation_request_is_not_harassment_by_itself() -> None:
    a = judge(facts(demand={"kind": "service", "validity": "invalid"}, behaviours=["excessive_demand"],
                    accommodation_request=True))
    assert a.determination.id == "needs_fact_finding"
    assert "reasonable_accommodation" in a.action_ids and "disability_act_8" in a.rule_ids
    assert any(t.step == "limits" for t in a.trace)


def test_disclaimer_is_in_the_json() -> None:
    out = judge(facts()).to_dict()
    assert "法的助言ではありません" in out["disclaimer"]["ja"]
    assert "not legal advice" in out["disclaimer"]["en"]
