"""The alert policy is data: the packaged default, and a company's own version checked strictly."""

from __future__ import annotations

import pytest

from kasuhara.errors import InputError
from kasuhara.live import default_policy, default_policy_data, policy_from_mapping


def test_the_default_sends_threats_sexual_remarks_and_kneeling_to_the_supervisor() -> None:
    policy = default_policy()
    harmful = [r for r in policy.rules_for("behaviour") if "supervisor" in r.notify]
    covered = {b for r in harmful for b in r.behaviours}
    assert {"threat", "sexual", "forced_kneeling"} <= covered
    assert all(r.severity == 3 for r in harmful)
    assert policy.rules_for("banned_customer")[0].notify[0] == "supervisor"


def test_a_company_may_change_the_share_of_the_time_limit() -> None:
    data = {**default_policy_data(), "time_warning_share": 0.5}
    assert policy_from_mapping(data).time_warning_share == 0.5


@pytest.mark.parametrize(("change", "field"), [
    ({"time_warning_share": 1.5}, "policy.time_warning_share"),
    ({"idle_close_seconds": 5}, "policy.idle_close_seconds"),
    ({"colour": "red"}, "policy.colour"),
    ({"rules": [{"id": "x", "trigger": "moon", "notify": ["operator"], "severity": 1,
                 "reason": {"ja": "a", "en": "b"}}]}, "policy.rules.0.trigger"),
    ({"rules": [{"id": "x", "trigger": "behaviour", "behaviours": ["rudeness"], "notify": ["operator"],
                 "severity": 1, "reason": {"ja": "a", "en": "b"}}]}, "policy.rules.0.behaviours"),
    ({"rules": [{"id": "x", "trigger": "time_limit", "notify": ["police"], "severity": 1,
                 "reason": {"ja": "a", "en": "b"}}]}, "policy.rules.0.notify"),
    ({"rules": [{"id": "x", "trigger": "time_limit", "notify": ["operator"], "severity": 9,
                 "reason": {"ja": "a", "en": "b"}}]}, "policy.rules.0.severity"),
])
def test_a_bad_policy_names_the_field(change: dict[str, object], field: str) -> None:
    known = frozenset(b.id for b in __import__("kasuhara.knowledge", fromlist=["x"]).load_knowledge_base().behaviours)
    with pytest.raises(InputError) as caught:
        policy_from_mapping({**default_policy_data(), **change}, known_behaviours=known)
    assert field in [p.field for p in caught.value.problems]


def test_the_policy_round_trips() -> None:
    policy = default_policy()
    assert policy_from_mapping(policy.to_dict()) == policy
