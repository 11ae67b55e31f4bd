"""Every legal scenario in src/kasuhara/judge/scenarios/ is a test: facts in, expected judgment out."""

from __future__ import annotations

from datetime import date

import pytest

from kasuhara.judge import Scenario, check_scenario, judge, load_scenarios, parse_facts
from kasuhara.knowledge import load_knowledge_base

SCENARIOS = load_scenarios()
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    assessment = judge(parse_facts(scenario.facts, today=TODAY), thresholds=scenario.thresholds)
    assert check_scenario(scenario, assessment) == []


def test_at_least_forty_scenarios() -> None:
    assert len(SCENARIOS) >= 40


def test_scenarios_cover_every_behaviour_offence_and_determination() -> None:
    kb = load_knowledge_base()
    behaviours = set().union(*(s.expected.behaviours for s in SCENARIOS))
    offences = set().union(*(s.expected.offences for s in SCENARIOS))
    determinations = {s.expected.determination for s in SCENARIOS}
    assert behaviours == set(kb.behaviour_ids)
    assert offences == {o.id for o in kb.offences}
    assert determinations == {"customer_harassment", "unjustified_demand", "needs_fact_finding", "legitimate_complaint"}


@pytest.mark.parametrize(
    "day", ["2022-07-06", "2022-07-07", "2025-05-31", "2025-06-01", "2025-03-31", "2025-04-01", "2026-09-30", "2026-10-01"]
)
def test_scenarios_cover_every_date_boundary(day: str) -> None:
    assert any(str(s.facts.get("occurred_at", "")).startswith(day) for s in SCENARIOS)


def test_scenarios_cover_both_sides_of_every_threshold() -> None:
    durations = {s.facts.get("duration_minutes") for s in SCENARIOS if s.thresholds.time_limit_minutes == 30}
    contacts = {
        (s.facts["contacts_in_period"]["count"], s.facts["contacts_in_period"]["days"])
        for s in SCENARIOS
        if "contacts_in_period" in s.facts and s.thresholds.repeat_contacts == 10
    }
    asked = {s.facts.get("asked_to_leave") for s in SCENARIOS}
    assert {30, 31} <= durations
    assert {(10, 7), (11, 7)} <= contacts
    assert {1, 2} <= asked


def test_a_wrong_expectation_is_caught() -> None:
    scenario = SCENARIOS[0]
    assessment = judge(parse_facts(scenario.facts, today=TODAY))
    from dataclasses import replace

    wrong = replace(scenario, expected=replace(scenario.expected, determination="customer_harassment",
                                               offences=frozenset({"222"})))
    problems = check_scenario(wrong, assessment)
    assert any(p.startswith("determination") for p in problems)
    assert any(p.startswith("offences") for p in problems)
