from __future__ import annotations

import pytest

from kasuhara.desk.deterrence import STEPS as STEPS_ALL
from kasuhara.desk.deterrence import History, OffenderPolicy, check_scope, propose, reaches_threshold
from kasuhara.errors import InputError

POLICY = OffenderPolicy(alert_count=3)


def steps(history: History) -> list[str]:
    return [p.step for p in propose(history, POLICY)]


def test_below_threshold_nothing_is_proposed() -> None:
    h = History(events_in_window=2)
    assert not reaches_threshold(h, POLICY)
    assert steps(h) == []


def test_threshold_proposes_warning_first() -> None:
    h = History(events_in_window=3)
    assert reaches_threshold(h, POLICY)
    assert steps(h) == ["warning"]


def test_escalation_follows_steps_taken() -> None:
    assert steps(History(events_in_window=3, steps_taken=frozenset({"warning"}))) == ["single_contact"]
    both = frozenset({"warning", "single_contact"})
    assert steps(History(events_in_window=3, steps_taken=both)) == []
    assert steps(History(events_in_window=4, steps_taken=both)) == ["ban", "end_of_service"]
    assert steps(History(events_in_window=4, steps_taken=both, active_ban=True)) == ["end_of_service"]


def test_danger_proposes_police_whatever_the_count() -> None:
    assert steps(History(events_in_window=1, behaviours=frozenset({"threat"}))) == ["police_report"]
    done = frozenset({"police_report"})
    assert steps(History(events_in_window=1, behaviours=frozenset({"threat"}), steps_taken=done)) == []


def test_policy_from_mapping_and_scope_checks() -> None:
    assert OffenderPolicy.from_mapping({"alert_count": 5}).alert_count == 5
    with pytest.raises(InputError):
        OffenderPolicy.from_mapping({"alert_count": 0})
    check_scope("ban", ["visit", "phone"], None)
    with pytest.raises(InputError):
        check_scope("ban", [], None)
    with pytest.raises(InputError):
        check_scope("ban", ["fax"], [1])
    with pytest.raises(InputError):
        check_scope("sue", ["phone"], None)


def test_police_is_proposed_for_conduct_named_in_the_data() -> None:
    """The police proposal is data (deterrence.yaml): stalking counts, an excessive demand alone does not."""
    assert steps(History(events_in_window=1, behaviours=frozenset({"following"}))) == ["police_report"]
    assert steps(History(events_in_window=1, behaviours=frozenset({"excessive_demand"}))) == []


def test_every_proposal_cites_its_source() -> None:
    from kasuhara.knowledge import load_knowledge_base

    proposals = load_knowledge_base().deterrence
    assert {p.step for p in proposals} <= set(STEPS_ALL)
    assert all(p.sources for p in proposals)
