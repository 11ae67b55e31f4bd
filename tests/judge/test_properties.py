"""Properties that hold for every incident, checked over generated facts (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara.judge import judge, parse_facts
from kasuhara.knowledge import load_knowledge_base
from kasuhara.knowledge.model import URGENCIES
from kasuhara.knowledge.vocabulary import CHANNELS, DEMAND_KINDS, VALIDITIES

KB = load_knowledge_base()
TODAY = date(2026, 11, 23)
START = KB.coverage_from

facts_strategy = st.fixed_dictionaries(
    {
        "occurred_at": st.integers(0, (TODAY - START).days).map(lambda d: (START + timedelta(days=d)).isoformat()),
        "channel": st.sampled_from(sorted(CHANNELS)),
        "demand": st.fixed_dictionaries(
            {
                "kind": st.sampled_from(sorted(k for k in DEMAND_KINDS if k != "none")),
                "validity": st.sampled_from(sorted(VALIDITIES)),
                "related_to_service": st.booleans(),
            }
        ),
        "behaviours": st.lists(st.sampled_from(KB.behaviour_ids), unique=True, max_size=5),
    },
    optional={
        "location": st.fixed_dictionaries({"prefecture": st.sampled_from([p.code for p in KB.prefectures])}),
        "duration_minutes": st.integers(0, 300),
        "contacts_in_period": st.fixed_dictionaries({"count": st.integers(0, 60), "days": st.integers(1, 60)}),
        "asked_to_leave": st.integers(0, 4),
        "injury": st.none() | st.booleans(),
        "public": st.none() | st.booleans(),
        "staff_is_public_official": st.booleans(),
    },
)


@settings(max_examples=300, deadline=None)
@given(facts_strategy)
def test_every_incident_gets_a_consistent_assessment(raw: dict[str, Any]) -> None:
    a = judge(parse_facts(raw, today=TODAY))
    out = a.to_dict()
    # every regardless-of-demand behaviour makes it harassment, whatever the demand
    if any(KB.behaviour(b).regardless_of_demand for b in a.behaviour_ids):
        assert out["determination"] == "customer_harassment"
    # reported behaviours are never lost
    assert set(raw["behaviours"]) <= set(a.behaviour_ids)
    # actions are unique and ordered by urgency, and there is always at least one
    ids = a.action_ids
    assert ids and len(ids) == len(set(ids))
    ranks = [URGENCIES.index(x.action.urgency) for x in a.actions]
    assert ranks == sorted(ranks)
    # the penalty shown is the one in force on the incident's date
    on = date.fromisoformat(raw["occurred_at"])
    for o in a.offences:
        assert o.penalty.effective_from <= on
        assert o.penalty.effective_until is None or on <= o.penalty.effective_until
        if on >= date(2025, 6, 1):
            assert "懲役" not in o.penalty.text and "禁錮" not in o.penalty.text
    # violence, confinement and refusal after a request in person call for the police
    present = set(a.behaviour_ids)
    if out["determination"] == "customer_harassment" and (
        "physical_attack" in present
        or "confinement" in present
        or ("refusal_to_leave" in present and raw.get("asked_to_leave", 0) > 0 and raw["channel"] == "in_person")
    ):
        assert "call_police" in ids and ids.index("ensure_safety" if "ensure_safety" in ids else "call_police") == 0
    # rules are in force that day
    assert all(KB.rule(r).in_force_on(on) for r in a.rule_ids)
