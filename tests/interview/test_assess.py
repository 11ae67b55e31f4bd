"""The interview hands its facts to the engine: finished interviews only, unknown validity, the place."""

from __future__ import annotations

from typing import Any

import pytest

from kasuhara.company import Thresholds
from kasuhara.interview import assess, interview_facts, walk

DONE: dict[str, Any] = {
    "danger": ["none"], "channel": "email", "words": ["none"], "conduct": ["none"], "contacts": None,
    "demand_kind": "refund", "demand_related": "yes", "demand_validity": "valid", "utterances": None,
}


def test_an_unfinished_interview_is_not_judged() -> None:
    with pytest.raises(ValueError, match="channel"):
        assess(walk({"danger": ["none"]}))


def test_a_valid_refund_asked_politely_is_a_legitimate_complaint() -> None:
    result = assess(walk(DONE))
    assert result["determination"] == "legitimate_complaint"
    assert result["actions"][0]["id"] == "remedy"


def test_a_skipped_validity_means_fact_finding() -> None:
    answers = {**DONE, "demand_validity": "unknown"}
    assert assess(walk(answers))["determination"] == "needs_fact_finding"
    assert interview_facts({"demand": {"kind": "refund"}}) == {"demand": {"kind": "refund", "validity": "unknown"}}
    assert interview_facts({"demand": {"kind": "none"}}) == {"demand": {"kind": "none"}}


def test_the_place_brings_its_ordinance_and_repeated_contact_follows_the_company_limit() -> None:
    tokyo = assess(walk(DONE), location={"prefecture": "13"})
    assert "ordinance:13" in [r["id"] for r in tokyo["applicable_rules"]]
    assert "ordinance:13" not in [r["id"] for r in assess(walk(DONE))["applicable_rules"]]
    many = {**DONE, "contacts": 6}
    assert "repeated_contact" not in [b["id"] for b in assess(walk(many))["behaviours"]]
    strict = Thresholds(repeat_contacts=5)
    judged = assess(walk(many, thresholds=strict), thresholds=strict)
    assert "repeated_contact" in [b["id"] for b in judged["behaviours"]]
    assert judged["determination"] == "customer_harassment"
