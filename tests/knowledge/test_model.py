"""The knowledge base's queries: penalties by date, rules by place and date, places by name."""

from __future__ import annotations

from datetime import date

import pytest

from kasuhara.errors import NotFoundError, NotInForceError
from kasuhara.knowledge import load_knowledge_base

kb = load_knowledge_base()

BEHAVIOURS = (
    "physical_attack", "threat", "verbal_abuse", "intimidation", "forced_kneeling", "excessive_demand",
    "repeated_contact", "refusal_to_leave", "prolonged_restraint", "confinement", "discriminatory", "sexual",
    "attack_on_individual", "sns_exposure", "unauthorized_filming", "defamation", "property_damage",
    "business_disruption", "deception", "following",
)
ACTIONS = (
    "ensure_safety", "call_police", "request_to_leave", "warn_and_end_contact", "supervisor_takeover",
    "preserve_evidence", "consult_lawyer", "request_takedown", "single_point_of_contact", "consider_ban",
    "employee_care", "fact_finding", "remedy", "explain_and_decline", "protect_staff", "check_conduct_facts",
    "reasonable_accommodation", "police_consultation", "seek_injunction", "claim_damages", "seek_disclosure",
    "end_contract",
)


def test_contract_ids_are_all_present() -> None:
    assert set(kb.behaviour_ids) == set(BEHAVIOURS)
    assert set(kb.action_ids) == set(ACTIONS)
    assert {o.id for o in kb.offences} == {
        "95", "130", "176", "204", "208", "220", "222", "223", "230", "231", "233", "234", "246", "249", "261",
        "stalker", "violent_acts_1", "minor_1_5", "minor_1_28", "minor_1_31", "tokyo_nuisance_5_2",
    }
    # the manual's nine types plus the deception type (Penal Code arts. 233, 246)
    assert len(kb.response_types) == 10


def test_every_entry_carries_sources_with_status() -> None:
    entries = [*kb.behaviours, *kb.offences, *kb.rules, *kb.actions, *kb.response_types]
    for entry in entries:
        assert entry.sources, entry.id
        assert all(s.status in ("V1", "V2", "U") and (s.url or s.citation) for s in entry.sources), entry.id


def test_only_excessive_demand_depends_on_the_demand() -> None:
    assert [b.id for b in kb.behaviours if not b.regardless_of_demand] == ["excessive_demand"]


@pytest.mark.parametrize(
    ("on", "text"),
    [
        (date(2022, 7, 6), "拘留又は科料"),
        (date(2022, 7, 7), "一年以下の懲役若しくは禁錮若しくは三十万円以下の罰金又は拘留若しくは科料"),
        (date(2025, 5, 31), "一年以下の懲役若しくは禁錮若しくは三十万円以下の罰金又は拘留若しくは科料"),
        (date(2025, 6, 1), "一年以下の拘禁刑若しくは三十万円以下の罰金又は拘留若しくは科料"),
    ],
)
def test_insult_penalty_by_date(on: date, text: str) -> None:
    assert kb.offence("231").penalty_on(on).text == text


def test_old_wording_before_kokinkei_is_marked_unconfirmed() -> None:
    old = kb.offence("222").penalty_on(date(2025, 5, 31))
    new = kb.offence("222").penalty_on(date(2025, 6, 1))
    assert old.text == "二年以下の懲役又は三十万円以下の罰金" and old.status == "U"
    assert new.text == "二年以下の拘禁刑又は三十万円以下の罰金" and new.status == "V1"
    assert old.effective_until == date(2025, 5, 31)


def test_art_234_follows_art_233() -> None:
    p = kb.offence("234").penalty_on(date(2024, 1, 1))
    assert p.text == "前条の例による" and p.resolved_text == "三年以下の懲役又は五十万円以下の罰金"


def test_art_176_was_renamed() -> None:
    offence = kb.offence("第176条")
    assert offence.name_on(date(2023, 7, 12)).ja == "強制わいせつ"
    assert offence.name_on(date(2023, 7, 13)).ja == "不同意わいせつ"


def test_penalty_before_coverage_is_a_loud_error() -> None:
    with pytest.raises(NotInForceError, match="2020-06-01"):
        kb.offence("222").penalty_on(date(2019, 12, 31))


def test_rule_outside_its_dates_is_a_loud_error() -> None:
    with pytest.raises(NotInForceError):
        kb.rule("national_act").require_in_force(date(2026, 9, 30))
    assert kb.rule("national_act").require_in_force(date(2026, 10, 1)).id == "national_act"
    with pytest.raises(NotInForceError, match="pending"):
        kb.rule("ordinance:24").require_in_force(date(2027, 6, 1))


def test_unknown_ids_are_not_found() -> None:
    with pytest.raises(NotFoundError):
        kb.offence("999")
    with pytest.raises(NotFoundError):
        kb.behaviour("rudeness")


@pytest.mark.parametrize("name", ["東京都", "東京", "Tokyo", "tokyo", "13"])
def test_prefecture_by_name_or_code(name: str) -> None:
    found = kb.find_prefecture(name)
    assert found is not None and found.code == "13"


def test_hokkaido_by_short_code() -> None:
    found = kb.find_prefecture("1")
    assert found is not None and found.name == "北海道"


def test_municipality_only_within_its_prefecture() -> None:
    kuwana = kb.find_municipality("桑名市", "24")
    assert kuwana is not None and kuwana.code == "24205"
    assert kb.find_municipality("桑名市", "13") is None
    assert kb.find_municipality("嬬恋村") is not None
    assert kb.find_municipality("どこか村") is None


def rule_ids(on: date, pref: str | None = None, muni: str | None = None) -> set[str]:
    return {r.id for r in kb.rules_in_force(on=on, prefecture_code=pref, municipality_code=muni)}


def test_national_rules_switch_on_2026_10_01() -> None:
    assert rule_ids(date(2026, 9, 30)) == {"national_guideline:2020"}
    assert rule_ids(date(2026, 10, 1)) == {"national_act"}


def test_tokyo_from_2025_04_01() -> None:
    assert "ordinance:13" not in rule_ids(date(2025, 3, 31), "13")
    assert "ordinance:13" in rule_ids(date(2025, 4, 1), "13")


def test_kuwana_needs_the_municipality() -> None:
    assert "ordinance:24205" not in rule_ids(date(2025, 4, 1), "24")
    assert "ordinance:24205" in rule_ids(date(2025, 4, 1), "24", "24205")


def test_mie_pending_never_applies() -> None:
    assert "ordinance:24" not in rule_ids(date(2030, 1, 1), "24")


def test_unconfirmed_dates_are_flagged() -> None:
    assert not kb.rule("national_guideline:2020").from_confirmed
    assert kb.rule("ordinance:10425").from_confirmed  # 2025-04-01 (rilg.or.jp, V2); promulgated 2025-03-04
    assert kb.rule("ordinance:10425").promulgated is not None
    assert kb.rule("ordinance:13").from_confirmed


def test_a_rule_reads_as_amended_on_the_date() -> None:
    rule = kb.rule("disability_act_8")
    assert "努力義務" in rule.on(date(2024, 3, 31)).duty.ja
    assert "法的義務" in rule.on(date(2024, 4, 1)).duty.ja


def test_conditional_rules_need_a_situation() -> None:
    """旅館業法 art. 5 is for inns only: listed only when the facts say the workplace is one."""
    from kasuhara.knowledge import Situation

    on = date(2026, 11, 1)
    assert "ryokan_act_5" not in {r.id for r in kb.rules_in_force(on=on)}
    hotel = Situation(behaviours=frozenset(), channel="in_person", demand_kind="none", injury=None, public=None,
                      asked_to_leave=0, public_official=False, lodging=True)
    shop = Situation(behaviours=frozenset(), channel="in_person", demand_kind="none", injury=None, public=None,
                     asked_to_leave=0, public_official=False, lodging=None)
    assert "ryokan_act_5" in {r.id for r in kb.rules_in_force(on=on, situation=hotel)}
    assert "ryokan_act_5" not in {r.id for r in kb.rules_in_force(on=on, situation=shop)}
    assert kb.rule("ryokan_act_5").in_force_on(date(2023, 12, 13))
    assert not kb.rule("ryokan_act_5").in_force_on(date(2023, 12, 12))


def test_article_labels_read_as_the_statute_cites_them() -> None:
    assert kb.offence("minor_1_28").article_label.ja == "第1条第28号"
    assert kb.offence("tokyo_nuisance_5_2").article_label.ja == "第5条の2"
    assert kb.offence("246").article_label.ja == "第246条"
