"""The strict loader: the packaged data loads, and every kind of bad data is a named error."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kasuhara.knowledge import (
    KnowledgeBaseInvalid,
    build_knowledge_base,
    load_knowledge_base,
    parse_yaml,
    read_packaged_documents,
)


@pytest.fixture()
def docs() -> dict[str, Any]:
    """A fresh, mutable copy of the packaged data files."""
    return copy.deepcopy(read_packaged_documents())


def problems_of(docs: dict[str, Any]) -> str:
    with pytest.raises(KnowledgeBaseInvalid) as info:
        build_knowledge_base(docs)
    return "\n".join(str(p) for p in info.value.problems)


def test_packaged_data_loads_and_is_cached() -> None:
    kb = load_knowledge_base()
    assert kb is load_knowledge_base()
    assert kb.version
    assert len(kb.behaviours) == 20


def test_duplicate_yaml_key_names_the_file() -> None:
    with pytest.raises(KnowledgeBaseInvalid, match=r"offences.yaml.*duplicate key 'id'"):
        parse_yaml("offences:\n  - id: '1'\n    id: '2'\n", "offences.yaml")


def test_malformed_yaml_names_the_file() -> None:
    with pytest.raises(KnowledgeBaseInvalid, match=r"rules\.yaml"):
        parse_yaml("rules: [unclosed", "rules.yaml")


def test_unknown_key_names_file_and_entry(docs: dict[str, Any]) -> None:
    docs["behaviours.yaml"]["behaviours"][0]["colour"] = "red"
    assert "behaviours.yaml: physical_attack: unknown key 'colour'" in problems_of(docs)


def test_duplicate_id(docs: dict[str, Any]) -> None:
    docs["actions.yaml"]["actions"].append(copy.deepcopy(docs["actions.yaml"]["actions"][0]))
    assert "actions.yaml: ensure_safety: duplicate id 'ensure_safety'" in problems_of(docs)


def test_missing_sources(docs: dict[str, Any]) -> None:
    del docs["offences.yaml"]["offences"][0]["sources"]
    text = problems_of(docs)
    assert "offences.yaml: 95" in text and "missing sources" in text


def test_source_needs_status_and_known_ref(docs: dict[str, Any]) -> None:
    docs["rules.yaml"]["rules"][1]["sources"] = [{"ref": "NOPE", "status": "V9"}]
    text = problems_of(docs)
    assert "unknown source ref 'NOPE'" in text
    assert "status must be one of V1, V2, U" in text


def test_unsorted_penalty_dates(docs: dict[str, Any]) -> None:
    penalties = docs["offences.yaml"]["offences"][0]["penalties"]
    penalties.reverse()
    assert "unsorted or overlapping" in problems_of(docs)


def test_overlapping_penalty_dates(docs: dict[str, Any]) -> None:
    penalties = docs["offences.yaml"]["offences"][0]["penalties"]
    penalties[1]["from"] = penalties[0]["from"]
    assert "95.penalties[1]: date ranges are unsorted or overlapping" in problems_of(docs)


def test_dangling_action_in_response_step(docs: dict[str, Any]) -> None:
    docs["responses.yaml"]["response_types"][0]["steps"][0]["action"] = "dance"
    assert "dangling reference to unknown action 'dance'" in problems_of(docs)


def test_dangling_behaviour_in_condition(docs: dict[str, Any]) -> None:
    docs["offences.yaml"]["offences"][1]["applies_when"] = {"behaviour": "jaywalking"}
    assert "130.applies_when: dangling reference to unknown behaviour 'jaywalking'" in problems_of(docs)


def test_unknown_condition(docs: dict[str, Any]) -> None:
    docs["offences.yaml"]["offences"][1]["applies_when"] = {"moon_phase": "full"}
    assert "unknown condition 'moon_phase'" in problems_of(docs)


def test_dangling_category(docs: dict[str, Any]) -> None:
    docs["behaviours.yaml"]["behaviours"][0]["category"] = "nope"
    assert "unknown category 'nope'" in problems_of(docs)


def test_ordinance_id_must_match_code(docs: dict[str, Any]) -> None:
    rule = next(r for r in docs["rules.yaml"]["rules"] if r["id"] == "ordinance:13")
    rule["id"] = "ordinance:tokyo"
    assert "an ordinance's id must be 'ordinance:13'" in problems_of(docs)


def test_municipal_rule_needs_known_municipality(docs: dict[str, Any]) -> None:
    docs["places.yaml"]["municipalities"] = [m for m in docs["places.yaml"]["municipalities"] if m[0] != "24205"]
    assert "ordinance:24205: dangling reference to municipality '24205'" in problems_of(docs)


def test_inverted_rule_dates(docs: dict[str, Any]) -> None:
    rule = next(r for r in docs["rules.yaml"]["rules"] if r["id"] == "national_guideline:2020")
    rule["until"] = rule["from"].replace(year=2019)
    assert "inverted" in problems_of(docs)


def test_every_behaviour_has_a_response_type(docs: dict[str, Any]) -> None:
    for rt in docs["responses.yaml"]["response_types"]:
        rt["triggers"] = [t for t in rt["triggers"] if t != "excessive_demand"]
    assert "behaviour 'excessive_demand' is not a trigger of any response type" in problems_of(docs)


def test_actions_must_be_in_urgency_order(docs: dict[str, Any]) -> None:
    docs["actions.yaml"]["actions"].reverse()
    assert "order of urgency" in problems_of(docs)


def test_all_problems_reported_at_once(docs: dict[str, Any]) -> None:
    docs["behaviours.yaml"]["behaviours"][0]["colour"] = "red"
    docs["actions.yaml"]["actions"][0]["urgency"] = "whenever"
    text = problems_of(docs)
    assert "unknown key 'colour'" in text
    assert "ensure_safety: urgency must be one of" in text


def test_missing_data_file(docs: dict[str, Any]) -> None:
    del docs["places.yaml"]
    assert "places.yaml: (file): missing" in problems_of(docs)


def _rule(docs: dict[str, Any], rule_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(r for r in docs["rules.yaml"]["rules"] if r["id"] == rule_id)
    return entry


def test_every_entry_needs_last_reviewed_on(docs: dict[str, Any]) -> None:
    del docs["offences.yaml"]["offences"][0]["last_reviewed_on"]
    assert "offences.yaml: 95: needs last_reviewed_on" in problems_of(docs)


def test_amendments_are_keyed_by_date_in_order(docs: dict[str, Any]) -> None:
    rule = _rule(docs, "disability_act_8")
    rule["versions"].append(dict(rule["versions"][0], **{"from": rule["versions"][0]["from"]}))
    assert "disability_act_8.versions[1]: date ranges are unsorted or overlapping" in problems_of(docs)


def test_an_amendment_cannot_predate_the_rule(docs: dict[str, Any]) -> None:
    from datetime import date

    _rule(docs, "disability_act_8")["versions"][0]["from"] = date(2019, 1, 1)
    assert "an amendment must take effect after the rule itself" in problems_of(docs)


def test_in_force_before_promulgation_is_an_error(docs: dict[str, Any]) -> None:
    from datetime import date

    _rule(docs, "ordinance:10425")["from"] = date(2025, 3, 1)
    assert "ordinance:10425: in force 2025-03-01 before promulgation 2025-03-04" in problems_of(docs)


def test_tri_state_condition_must_be_boolean(docs: dict[str, Any]) -> None:
    o = next(o for o in docs["offences.yaml"]["offences"] if o["id"] == "176")
    o["applies_when"]["all"][1] = {"physical_contact": "yes"}
    assert "176.applies_when.all[1]: physical_contact: must be true or false" in problems_of(docs)


def test_when_text_needs_a_when(docs: dict[str, Any]) -> None:
    step = docs["responses.yaml"]["response_types"][0]["steps"][0]
    step.pop("when", None)
    step["when_text"] = {"ja": "常に", "en": "always"}
    assert "'when_text' describes a 'when' condition" in problems_of(docs)


def test_attempt_name_needs_a_punishable_attempt(docs: dict[str, Any]) -> None:
    o = next(o for o in docs["offences.yaml"]["offences"] if o["id"] == "222")
    o["attempt_name"] = {"ja": "脅迫未遂", "en": "attempted threats"}
    assert "222: attempt_name needs attempt: true" in problems_of(docs)


def test_the_shared_strict_reader_refuses_duplicate_keys() -> None:
    """The interview graph and the screener rules read their YAML with the same function."""
    import yaml

    from kasuhara.knowledge import strict_load

    assert strict_load("a: 1\nb: [x]\n") == {"a": 1, "b": ["x"]}
    with pytest.raises(yaml.YAMLError, match="duplicate key 'a'"):
        strict_load("a: 1\na: 2\n")
    with pytest.raises(yaml.YAMLError):
        strict_load("!!python/object:os.system {}\n")


def test_the_decision_must_end_with_an_unconditional_rule(docs: dict[str, Any]) -> None:
    docs["responses.yaml"]["determination_rules"].pop()
    assert "the last rule must have no condition" in problems_of(docs)


def test_the_manner_matrix_covers_every_demand_result(docs: dict[str, Any]) -> None:
    del docs["responses.yaml"]["manner_matrix"]["unknown"]
    assert "manner_matrix: must map each of" in problems_of(docs)


def test_an_inference_names_a_known_limit(docs: dict[str, Any]) -> None:
    docs["behaviours.yaml"]["inferences"][0]["limit"] = "patience"
    assert "inferences[0]: limit must be one of time_limit, contact_limit, none" in problems_of(docs)


def test_citations_use_the_one_source_catalogue(docs: dict[str, Any]) -> None:
    """The documents' quoted wordings live in the knowledge base: their source keys are meta.yaml's."""
    docs["citations.yaml"]["citations"][0]["sources"] = ["NOCUSHARA"]
    docs["citations.yaml"]["citations"][1]["scope"] = "ordinance:99"
    found = problems_of(docs)
    assert "unknown source ref 'NOCUSHARA'" in found
    assert "scope 'ordinance:99' is not a rule id" in found


def test_documents_read_their_citations_from_the_knowledge_base() -> None:
    from kasuhara.documents.legal import citation_book

    kb = load_knowledge_base()
    book = citation_book()
    assert set(book.citations) == {c.id for c in kb.citations}
    assert all(key in book.sources for c in book.citations.values() for key in c.sources)


def test_deterrence_conditions_may_look_at_behaviours_only(docs: dict[str, Any]) -> None:
    docs["deterrence.yaml"]["proposals"][0]["when"] = {"channel": ["phone"]}
    assert "police_for_danger.when: only behaviour conditions" in problems_of(docs)
