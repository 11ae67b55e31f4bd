"""Parsing incident facts: strict, every problem named with its field and allowed values."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kasuhara.errors import InputError
from kasuhara.judge import parse_facts

TODAY = date(2026, 11, 23)


def parse(**fields: Any) -> Any:
    base: dict[str, Any] = {"channel": "phone", "demand": {"kind": "refund", "validity": "valid"}}
    base.update(fields)
    return parse_facts(base, today=TODAY)


def problems(**fields: Any) -> dict[str, tuple[str, ...]]:
    with pytest.raises(InputError) as info:
        parse(**fields)
    return {p.field: p.allowed for p in info.value.problems}


def test_minimal_facts_fill_defaults() -> None:
    facts = parse()
    assert facts.occurred_on == TODAY and not facts.date_given
    assert facts.behaviours == () and facts.asked_to_leave == 0 and facts.location is None


def test_datetime_is_converted_to_the_date_in_japan() -> None:
    # 2025-05-31 20:00 UTC is already 2025-06-01 in Japan: the 拘禁刑 wording applies
    facts = parse(occurred_at="2025-05-31T20:00:00Z")
    assert facts.occurred_on == date(2025, 6, 1)


def test_naive_datetime_is_japan_time() -> None:
    assert parse(occurred_at="2025-05-31T23:59:00").occurred_on == date(2025, 5, 31)


def test_unknown_field_lists_allowed_fields() -> None:
    found = problems(mood="angry")
    assert "channel" in found["mood"]


def test_unknown_behaviour_lists_allowed_ids() -> None:
    found = problems(behaviours=["verbal_abuse", "rudeness"])
    assert "verbal_abuse" in found["behaviours[1]"]


def test_wrong_enum_values_list_allowed_values() -> None:
    found = problems(channel="pigeon", demand={"kind": "refund", "validity": "maybe"})
    assert found["channel"][0] == "in_person"
    assert found["demand.validity"] == ("valid", "partially_valid", "invalid", "unknown")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"duration_minutes": "45"}, "duration_minutes"),
        ({"duration_minutes": True}, "duration_minutes"),
        ({"duration_minutes": float("inf")}, "duration_minutes"),
        ({"asked_to_leave": -1}, "asked_to_leave"),
        ({"contacts_in_period": {"count": 3, "days": 0}}, "contacts_in_period.days"),
        ({"contacts_in_period": {"count": 3, "days": 7, "weeks": 1}}, "contacts_in_period.weeks"),
        ({"injury": "no"}, "injury"),
        ({"occurred_at": "2025-02-30"}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2030-01-01"}, "occurred_at"),
        ({"location": {"prefecture": "Atlantis"}}, "location.prefecture"),
        ({"location": {"city": "桑名市"}}, "location.city"),
        ({"utterances": "ばか"}, "utterances"),
        ({"demand": {"validity": "valid"}}, "demand.kind"),
        ({"demand": {"kind": "refund"}}, "demand.validity"),
    ],
)
def test_bad_values_name_the_field(fields: dict[str, Any], field: str) -> None:
    assert field in problems(**fields)


def test_missing_channel_is_required() -> None:
    with pytest.raises(InputError) as info:
        parse_facts({}, today=TODAY)
    assert info.value.problems[0].field == "channel"


def test_messages_exist_in_both_languages() -> None:
    with pytest.raises(InputError) as info:
        parse(duration_minutes=-1)
    assert "duration_minutes" in info.value.text("ja") and "負" in info.value.text("ja")
    assert "negative" in info.value.text("en")


def test_all_problems_at_once() -> None:
    found = problems(channel="x", duration_minutes=-1, mood=1)
    assert {"channel", "duration_minutes", "mood"} <= set(found)


def test_place_resolution() -> None:
    facts = parse(location={"prefecture": "Tokyo"})
    assert facts.location is not None and facts.location.prefecture_code == "13"
    facts = parse(location={"prefecture": 24, "municipality": "桑名市"})
    assert facts.location is not None and facts.location.municipality_code == "24205"
    facts = parse(location={"prefecture": "東京都", "municipality": "桑名市"})
    assert facts.location is not None and facts.location.municipality_code is None
    assert facts.location.municipality_input == "桑名市"


def test_no_demand_needs_no_validity() -> None:
    assert parse(demand={"kind": "none"}).demand.kind == "none"


def test_duplicate_behaviours_are_merged() -> None:
    assert parse(behaviours=["threat", "threat"]).behaviours == ("threat",)


def test_round_trip_through_to_dict() -> None:
    facts = parse(occurred_at="2026-11-20T14:05:00+09:00", behaviours=["threat"], duration_minutes=45,
                  location={"prefecture": "13"}, utterances=["x"])
    assert parse_facts(facts.to_dict(), today=TODAY) == facts


def test_tri_state_facts_are_true_false_or_unknown() -> None:
    facts = parse(physical_contact=True, stayed_after_request=False)
    assert facts.physical_contact is True and facts.stayed_after_request is False and facts.weapon_shown is None
    assert facts.to_dict()["physical_contact"] is True and "weapon_shown" not in facts.to_dict()
    assert "physical_contact" in problems(physical_contact="yes")
    assert "lodging" in problems(lodging=1)
