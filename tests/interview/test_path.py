"""The flowchart route always agrees with the engine: for every combination, the route derived from
the two axis results ends at the assessment's determination."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from kasuhara.company import Thresholds
from kasuhara.interview import walk
from kasuhara.interview.path import EDGES, NODES, judgment_route
from kasuhara.judge import judge, parse_facts

BEHAVIOUR_SETS: tuple[tuple[str, ...], ...] = (
    (),
    ("excessive_demand",),
    ("verbal_abuse",),
    ("physical_attack",),
    ("threat", "excessive_demand"),
)
DEMANDS: tuple[dict[str, Any], ...] = tuple(
    [{"kind": "none"}]
    + [
        {"kind": "refund", "validity": v, "related_to_service": r}
        for v, r in itertools.product(("valid", "partially_valid", "invalid", "unknown"), (True, False))
    ]
)


@pytest.mark.parametrize(("behaviours", "demand", "duration"),
                         list(itertools.product(BEHAVIOUR_SETS, DEMANDS, (None, 45))))
def test_route_reaches_the_engines_determination(
    behaviours: tuple[str, ...], demand: dict[str, Any], duration: int | None
) -> None:
    facts: dict[str, Any] = {"channel": "in_person", "behaviours": list(behaviours), "demand": demand,
                             "occurred_at": "2026-11-20"}
    if duration is not None:
        facts["duration_minutes"] = duration
    result = judge(parse_facts(facts), thresholds=Thresholds()).to_dict()
    route = judgment_route(
        behaviours=[b["id"] for b in result["behaviours"]],
        demand_result=result["demand_assessment"]["result"],
        manner_result=result["manner_assessment"]["result"],
        determination=result["determination"],
    )
    assert route.consistent, (facts, result["determination"], route)
    end = next(n for n in NODES if n.id == route.end)
    assert end.determination == result["determination"]
    known_edges = {(e.source, e.target) for e in EDGES}
    assert set(route.edges) <= known_edges
    assert route.nodes[0] == "start"
    assert ("safety" in route.nodes) == bool({"physical_attack", "threat"} & set(behaviours))


def test_threshold_changes_the_route_through_the_guided_judgment() -> None:
    """45 minutes on an invalid demand: past a 30-minute limit it is restraint, under 60 it is not."""
    answers: dict[str, Any] = {
        "danger": ["none"], "channel": "phone", "words": ["none"], "conduct": ["none"], "leave": "not_asked",
        "duration": 45, "contacts": None, "demand_kind": "refund", "demand_related": "yes",
        "demand_validity": "invalid", "utterances": None,
    }
    outcomes = {}
    for limit in (30, 60):
        thresholds = Thresholds(time_limit_minutes=limit)
        done = walk(answers, thresholds=thresholds)
        assert done.done
        result = judge(parse_facts(done.facts), thresholds=thresholds).to_dict()
        outcomes[limit] = result["determination"]
    assert outcomes == {30: "customer_harassment", 60: "unjustified_demand"}
