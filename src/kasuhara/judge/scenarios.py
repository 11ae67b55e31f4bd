"""Legal scenarios as data: incident facts and what the law says the judgment must be.

They are the judgment's tests (run by tests/judge/test_scenarios.py) and a bank of worked cases
other parts reuse (training quizzes). Each file in `scenarios/` is one scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from kasuhara.company import Thresholds
from kasuhara.errors import KnowledgeBaseError, Message
from kasuhara.judge.engine import Assessment
from kasuhara.knowledge.loader import Problem, parse_yaml
from kasuhara.knowledge.vocabulary import DETERMINATIONS

_TOP = {"name", "description", "facts", "expected"}
_TOP_OPTIONAL = {"thresholds", "tags"}
_EXPECTED = {"determination", "behaviours", "offences", "actions", "applicable_rules"}
_EXPECTED_OPTIONAL = {"inferred", "actions_absent", "first_action", "penalties", "manner", "demand",
                      "text_contains", "text_excludes"}
_PENALTY = {"effective_from", "contains", "excludes", "status"}


@dataclass(frozen=True)
class PenaltyCheck:
    """What the penalty text of one offence must say on the scenario's date."""

    effective_from: date | None = None
    contains: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    status: str | None = None


@dataclass(frozen=True)
class Expected:
    determination: str
    behaviours: frozenset[str]
    offences: frozenset[str]
    actions: tuple[str, ...]
    applicable_rules: frozenset[str]
    inferred: frozenset[str] = frozenset()
    actions_absent: tuple[str, ...] = ()
    first_action: str | None = None
    penalties: Mapping[str, PenaltyCheck] = field(default_factory=dict)
    manner: str | None = None
    demand: str | None = None
    text_contains: tuple[str, ...] = ()
    text_excludes: tuple[str, ...] = ()
    """Wording the Japanese judgment text must (not) contain: what a reader is actually told."""


@dataclass(frozen=True)
class Scenario:
    """One worked case: facts in, expected judgment out."""

    name: str
    file: str
    description: Message
    facts: Mapping[str, Any]
    expected: Expected
    thresholds: Thresholds = field(default_factory=Thresholds)
    tags: tuple[str, ...] = ()


def _invalid(file: str, entry: str, message: str) -> KnowledgeBaseError:
    p = Problem(file, entry, message)
    return KnowledgeBaseError(Message(f"シナリオが不正です: {p}", f"invalid scenario: {p}"))


def _strings(value: Any, file: str, entry: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _invalid(file, entry, "must be a list of strings")
    return tuple(value)


def parse_scenario(data: Any, file: str) -> Scenario:
    """Validate one scenario document strictly (unknown keys are errors, like the knowledge base)."""
    if not isinstance(data, dict):
        raise _invalid(file, "(top)", "must be a mapping")
    for key in data:
        if key not in _TOP | _TOP_OPTIONAL:
            raise _invalid(file, str(key), "unknown key")
    for key in _TOP:
        if key not in data:
            raise _invalid(file, key, "missing")
    desc = data["description"]
    if not isinstance(desc, dict) or set(desc) != {"ja", "en"}:
        raise _invalid(file, "description", "needs ja and en")
    exp = data["expected"]
    if not isinstance(exp, dict):
        raise _invalid(file, "expected", "must be a mapping")
    for key in exp:
        if key not in _EXPECTED | _EXPECTED_OPTIONAL:
            raise _invalid(file, f"expected.{key}", "unknown key")
    for key in _EXPECTED:
        if key not in exp:
            raise _invalid(file, f"expected.{key}", "missing")
    if exp["determination"] not in DETERMINATIONS:
        raise _invalid(file, "expected.determination", f"must be one of {', '.join(DETERMINATIONS)}")
    penalties: dict[str, PenaltyCheck] = {}
    for article, check in (exp.get("penalties") or {}).items():
        if not isinstance(check, dict) or any(k not in _PENALTY for k in check):
            raise _invalid(file, f"expected.penalties.{article}", f"allowed keys: {', '.join(sorted(_PENALTY))}")
        penalties[str(article)] = PenaltyCheck(
            effective_from=check.get("effective_from"),
            contains=_strings(check.get("contains", []), file, f"expected.penalties.{article}.contains"),
            excludes=_strings(check.get("excludes", []), file, f"expected.penalties.{article}.excludes"),
            status=check.get("status"),
        )
    thresholds = Thresholds.from_mapping(data["thresholds"]) if data.get("thresholds") else Thresholds()
    name = data["name"]
    if not isinstance(name, str) or not isinstance(data["facts"], dict):
        raise _invalid(file, "name/facts", "name must be a string and facts a mapping")
    return Scenario(
        name=name,
        file=file,
        description=Message(str(desc["ja"]), str(desc["en"])),
        facts=data["facts"],
        thresholds=thresholds,
        tags=_strings(data.get("tags", []), file, "tags"),
        expected=Expected(
            determination=exp["determination"],
            behaviours=frozenset(_strings(exp["behaviours"], file, "expected.behaviours")),
            offences=frozenset(str(o) for o in exp["offences"]),
            actions=_strings(exp["actions"], file, "expected.actions"),
            applicable_rules=frozenset(_strings(exp["applicable_rules"], file, "expected.applicable_rules")),
            inferred=frozenset(_strings(exp.get("inferred", []), file, "expected.inferred")),
            actions_absent=_strings(exp.get("actions_absent", []), file, "expected.actions_absent"),
            first_action=exp.get("first_action"),
            penalties=penalties,
            manner=exp.get("manner"),
            demand=exp.get("demand"),
            text_contains=_strings(exp.get("text_contains", []), file, "expected.text_contains"),
            text_excludes=_strings(exp.get("text_excludes", []), file, "expected.text_excludes"),
        ),
    )


def load_scenarios() -> tuple[Scenario, ...]:
    """Every packaged scenario, sorted by file name; names are unique."""
    root = resources.files("kasuhara.judge").joinpath("scenarios")
    out: list[Scenario] = []
    names: set[str] = set()
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        scenario = parse_scenario(parse_yaml(entry.read_text(encoding="utf-8"), entry.name), entry.name)
        if scenario.name in names:
            raise _invalid(entry.name, "name", f"duplicate scenario name {scenario.name!r}")
        names.add(scenario.name)
        out.append(scenario)
    return tuple(out)


def check_scenario(scenario: Scenario, assessment: Assessment) -> list[str]:
    """Every way the assessment differs from what the scenario expects (empty when it matches)."""
    e = scenario.expected
    problems: list[str] = []
    if assessment.determination.id != e.determination:
        problems.append(f"determination: expected {e.determination}, got {assessment.determination.id}")
    got_b = set(assessment.behaviour_ids)
    if got_b != e.behaviours:
        problems.append(f"behaviours: expected {sorted(e.behaviours)}, got {sorted(got_b)}")
    origins = {b.behaviour.id: b.origin for b in assessment.behaviours}
    for bid in e.inferred:
        if origins.get(bid) != "inferred":
            problems.append(f"behaviour {bid}: expected origin inferred, got {origins.get(bid)}")
    got_o = set(assessment.offence_ids)
    if got_o != e.offences:
        problems.append(f"offences: expected {sorted(e.offences)}, got {sorted(got_o)}")
    got_a = assessment.action_ids
    for a in e.actions:
        if a not in got_a:
            problems.append(f"actions: expected {a} among {list(got_a)}")
    for a in e.actions_absent:
        if a in got_a:
            problems.append(f"actions: {a} should not be recommended")
    if e.first_action and (not got_a or got_a[0] != e.first_action):
        problems.append(f"first action: expected {e.first_action}, got {got_a[:1]}")
    got_r = set(assessment.rule_ids)
    if got_r != e.applicable_rules:
        problems.append(f"applicable_rules: expected {sorted(e.applicable_rules)}, got {sorted(got_r)}")
    if e.manner and assessment.manner_assessment.result != e.manner:
        problems.append(f"manner: expected {e.manner}, got {assessment.manner_assessment.result}")
    if e.demand and assessment.demand_assessment.result != e.demand:
        problems.append(f"demand: expected {e.demand}, got {assessment.demand_assessment.result}")
    if e.text_contains or e.text_excludes:
        from kasuhara.judge.render import render_text  # the text a person reads

        text = render_text(assessment, "ja")
        for s in e.text_contains:
            if s not in text:
                problems.append(f"text: expected the Japanese text to contain {s!r}")
        for s in e.text_excludes:
            if s in text:
                problems.append(f"text: the Japanese text must not contain {s!r}")
    by_id = {o.offence.id: o for o in assessment.offences}
    for oid, check in e.penalties.items():
        found = by_id.get(oid)
        if found is None:
            problems.append(f"penalty {oid}: offence not found")
            continue
        p = found.penalty
        if check.effective_from and p.effective_from != check.effective_from:
            problems.append(f"penalty {oid}: expected effective_from {check.effective_from}, got {p.effective_from}")
        shown = p.text + (p.resolved_text or "")
        for s in check.contains:
            if s not in shown:
                problems.append(f"penalty {oid}: expected text to contain {s!r}: {shown}")
        for s in check.excludes:
            if s in shown:
                problems.append(f"penalty {oid}: text must not contain {s!r}: {shown}")
        if check.status and p.status != check.status:
            problems.append(f"penalty {oid}: expected status {check.status}, got {p.status}")
    return problems
