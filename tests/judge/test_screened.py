"""Screened behaviours are suggestions: a person confirms or rejects them, and only confirmed ones count.

The judgment lists unconfirmed suggestions beside a second determination, "if these are
confirmed", so the person deciding sees at once what is at stake.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from kasuhara.errors import InputError, Message
from kasuhara.findings import ScreenFinding
from kasuhara.judge import judge, parse_facts, render_text

TODAY = date(2026, 11, 23)
SAID = ["金を払わないと殺すぞ", "なるほどね、じゃあそれでいいよ"]


def facts(**fields: Any) -> Any:
    base: dict[str, Any] = {"occurred_at": "2026-11-10", "channel": "phone",
                            "demand": {"kind": "refund", "validity": "valid"}, "utterances": SAID}
    base.update(fields)
    return parse_facts(base, today=TODAY)


def screener(texts: Sequence[str]) -> list[ScreenFinding]:
    """A rule finding (explained words) in the first line and a model-only one in the second."""
    out = []
    for i, text in enumerate(texts):
        if "殺す" in text:
            out.append(ScreenFinding("threat", 0.97, i, "殺すぞ", Message("害悪の告知", "threat of harm"), "rule"))
        if "いいよ" in text:
            out.append(ScreenFinding("sexual", 0.61, i, "いいよ", Message("モデル", "model"), "model"))
    return out


def test_unconfirmed_suggestions_do_not_count_but_show_what_is_at_stake() -> None:
    a = judge(facts(), screener=screener)
    assert a.determination.id == "legitimate_complaint" and a.behaviours == () and a.offences == ()
    out = a.to_dict()
    threat, sexual = out["suggestions"]
    assert threat["id"] == "threat" and threat["origin"] == "screened" and threat["confirmed"] is False
    assert threat["status"] == "suggested" and threat["source"] == "rule" and threat["needs_review"] is False
    assert sexual["source"] == "model" and sexual["needs_review"] is True
    assert sexual["review_label"] == {"ja": "要確認", "en": "possible: please confirm"}
    what_if = out["if_confirmed"]
    assert what_if["confirm"] == ["threat", "sexual"]
    assert what_if["determination"] == "customer_harassment"
    assert what_if["changes"]["determination"] is True
    assert "222" in [o["article"] for o in what_if["offences"]]
    assert "call_police" in what_if["changes"]["actions_added"]


def test_a_confirmed_suggestion_counts_like_a_reported_behaviour() -> None:
    a = judge(facts(screened_confirmed=["threat"]), screener=screener)
    assert a.determination.id == "customer_harassment"
    (found,) = a.behaviours
    assert found.behaviour.id == "threat" and found.origin == "screened"
    assert found.to_dict()["confirmed"] is True and found.evidence[0].source == "rule"
    assert "222" in [o.offence.article for o in a.offences]
    # the model-only one is still waiting; confirming it would not change the determination
    assert a.pending_ids == ("sexual",)
    assert a.if_confirmed is not None and a.if_confirmed.determination.id == "customer_harassment"
    assert a.to_dict()["if_confirmed"]["changes"]["determination"] is False


def test_a_rejected_suggestion_is_listed_as_rejected_and_never_counted() -> None:
    a = judge(facts(screened_rejected=["threat", "sexual"]), screener=screener)
    assert a.determination.id == "legitimate_complaint"
    assert [s.status for s in a.suggestions] == ["rejected", "rejected"]
    assert a.if_confirmed is None and a.to_dict()["if_confirmed"] is None
    assert a.screening["rejected"] == ["threat", "sexual"] and a.screening["suggested"] == []


def test_a_confirmation_stands_when_the_screener_no_longer_finds_it() -> None:
    a = judge(facts(screened_confirmed=["threat"]), screener=lambda texts: [])
    assert [b.behaviour.id for b in a.behaviours] == ["threat"]
    assert "no longer finds it" in a.behaviours[0].basis.en
    assert a.determination.id == "customer_harassment"


def test_reported_behaviours_take_the_screened_words_as_evidence_not_as_a_suggestion() -> None:
    a = judge(facts(behaviours=["threat"]), screener=screener)
    assert a.behaviours[0].origin == "reported" and a.behaviours[0].evidence[0].text == "殺すぞ"
    assert [s.behaviour.id for s in a.suggestions] == ["sexual"]


def test_the_trace_says_what_was_counted_and_what_was_not() -> None:
    a = judge(facts(screened_confirmed=["threat"]), screener=screener)
    (step,) = [t for t in a.trace if t.step == "screening"]
    assert "人が確認したため判定に含めます: 脅迫" in step.answer.ja
    assert "not confirmed, so not counted" in step.answer.en


@pytest.mark.parametrize(("fields", "field"), [
    ({"screened_confirmed": ["telepathy"]}, "screened_confirmed[0]"),
    ({"screened_rejected": "threat"}, "screened_rejected"),
    ({"screened_confirmed": ["threat"], "screened_rejected": ["threat"]}, "screened_rejected"),
])
def test_bad_confirmations_name_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        facts(**fields)
    assert field in [p.field for p in caught.value.problems]


def test_confirmations_survive_the_round_trip_through_json() -> None:
    f = facts(screened_confirmed=["threat"], screened_rejected=["sexual"])
    again = parse_facts(f.to_dict(), today=TODAY)
    assert again.screened_confirmed == ("threat",) and again.screened_rejected == ("sexual",)


def test_text_output_shows_both_determinations_japanese_first() -> None:
    a = judge(facts(), screener=screener)
    ja = render_text(a, with_trace=False)
    assert "判定: 正当なクレーム" in ja
    assert "未確認の示唆が2件あります。確認した場合の判定: カスタマーハラスメント" in ja
    assert "「要確認」 性的な言動" in ja and "「規則で検出」 脅迫" in ja
    assert "■ これらを確認した場合の判定: カスタマーハラスメント" in ja
    assert "刑法第222条" in ja.split("■ これらを確認した場合の判定")[1]
    en = render_text(a, "en", with_trace=False)
    assert "If these are confirmed: customer harassment" in en and "「possible: please confirm」" in en
