"""The alert policy of live calls: what raises what, as data (a YAML default, a company override).

A rule names a trigger (a screened behaviour, the time limit, a banned customer, ...), who is told
(`operator`, `supervisor`), a severity 1-3 and the phone-script section whose words the operator
is offered. Loading is strict: an unknown key, trigger or behaviour is an error naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.strict_yaml import strict_load

TRIGGERS = (
    "behaviour", "time_warning", "time_limit", "banned_customer", "known_customer",
    "repeated_demand", "continued_after_end_request", "shouting",
)
AUDIENCES = ("operator", "supervisor")
SCRIPTS = ("", "time_limit", "warning", "repeat", "threat", "closing")


@dataclass(frozen=True)
class Rule:
    id: str
    trigger: str
    notify: tuple[str, ...]
    severity: int
    script: str
    reason: Message
    behaviours: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "trigger": self.trigger, "notify": list(self.notify),
                               "severity": self.severity, "script": self.script,
                               "reason": {"ja": self.reason.ja, "en": self.reason.en}}
        if self.behaviours:
            out["behaviours"] = list(self.behaviours)
        return out


@dataclass(frozen=True)
class Shouting:
    margin_db: float = 12.0
    sustained_seconds: float = 3.0
    baseline_seconds: float = 6.0


@dataclass(frozen=True)
class LivePolicy:
    version: str
    source: str
    time_warning_share: float
    idle_close_seconds: int
    repeat_demand_count: int
    continued_after_end_request: int
    shouting: Shouting
    rules: tuple[Rule, ...]
    end_request_markers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    demand_markers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    demand_topics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    phone_script_sections: Mapping[str, int] = field(default_factory=dict)
    alert_min_score: float = 0.6
    model_alert_min_score: float = 0.9

    def rules_for(self, trigger: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.trigger == trigger)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version, "source": self.source,
            "time_warning_share": self.time_warning_share, "idle_close_seconds": self.idle_close_seconds,
            "repeat_demand_count": self.repeat_demand_count,
            "continued_after_end_request": self.continued_after_end_request,
            "alert_min_score": self.alert_min_score,
            "model_alert_min_score": self.model_alert_min_score,
            "shouting": {"margin_db": self.shouting.margin_db,
                         "sustained_seconds": self.shouting.sustained_seconds,
                         "baseline_seconds": self.shouting.baseline_seconds},
            "rules": [r.to_dict() for r in self.rules],
            "end_request_markers": {k: list(v) for k, v in self.end_request_markers.items()},
            "demand_markers": {k: list(v) for k, v in self.demand_markers.items()},
            "demand_topics": {k: list(v) for k, v in self.demand_topics.items()},
            "phone_script_sections": dict(self.phone_script_sections),
        }


_TOP = ("version", "source", "time_warning_share", "alert_min_score", "model_alert_min_score", "idle_close_seconds", "repeat_demand_count",
        "continued_after_end_request", "shouting", "rules", "end_request_markers", "demand_markers", "demand_topics",
        "phone_script_sections")
_RULE_KEYS = ("id", "trigger", "behaviours", "notify", "severity", "script", "reason")


def _problem(path: str, ja: str, en: str, allowed: tuple[str, ...] = ()) -> FieldProblem:
    return FieldProblem(path, Message(ja, en), allowed)


class _Reader:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.problems: list[FieldProblem] = []

    def bad(self, path: str, ja: str, en: str, allowed: tuple[str, ...] = ()) -> None:
        self.problems.append(_problem(f"{self.prefix}.{path}", ja, en, allowed))

    def number(self, data: Mapping[str, Any], key: str, low: float, high: float, *, integer: bool = False) -> float:
        value = data.get(key)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and integer and not isinstance(value, int):
            ok = False
        if not ok or not (low <= float(value) <= high):  # type: ignore[arg-type]
            kind = "整数" if integer else "数"
            self.bad(key, f"{low}〜{high}の{kind}を指定してください", f"must be a {'whole ' if integer else ''}number from {low} to {high}")
            return low
        return float(value)  # type: ignore[arg-type]

    def words(self, data: Any, key: str) -> dict[str, tuple[str, ...]]:
        if data is None:
            return {}
        if not isinstance(data, Mapping) or not all(
            isinstance(v, list) and all(isinstance(w, str) and w.strip() for w in v) for v in data.values()
        ):
            self.bad(key, "言語ごとの語の一覧が必要です", "must map a language to a list of words")
            return {}
        return {str(k): tuple(w.strip().lower() for w in v) for k, v in data.items()}


def policy_from_mapping(data: Mapping[str, Any], *, known_behaviours: frozenset[str] | None = None,
                        prefix: str = "policy") -> LivePolicy:
    """A policy from parsed YAML/JSON; every problem is collected and raised at once."""
    r = _Reader(prefix)
    if not isinstance(data, Mapping):
        raise InputError([_problem(prefix, "オブジェクトが必要です", "must be a mapping")])
    for key in data:
        if key not in _TOP:
            r.bad(str(key), "不明な項目です", "unknown field", _TOP)
    share = r.number(data, "time_warning_share", 0.1, 1.0)
    idle = int(r.number(data, "idle_close_seconds", 30, 86_400, integer=True))
    repeat = int(r.number(data, "repeat_demand_count", 2, 100, integer=True))
    continued = int(r.number(data, "continued_after_end_request", 1, 100, integer=True))
    min_score = r.number({"alert_min_score": 0.6, **data}, "alert_min_score", 0.0, 1.0)
    model_min = r.number({"model_alert_min_score": 0.9, **data}, "model_alert_min_score", 0.0, 1.0)
    raw_shout = data.get("shouting", {})
    if not isinstance(raw_shout, Mapping):
        r.bad("shouting", "オブジェクトが必要です", "must be a mapping")
        raw_shout = {}
    sub = _Reader(f"{prefix}.shouting")
    shouting = Shouting(
        margin_db=sub.number({**{"margin_db": 12.0}, **raw_shout}, "margin_db", 3.0, 40.0),
        sustained_seconds=sub.number({**{"sustained_seconds": 3.0}, **raw_shout}, "sustained_seconds", 0.5, 60.0),
        baseline_seconds=sub.number({**{"baseline_seconds": 6.0}, **raw_shout}, "baseline_seconds", 1.0, 120.0),
    )
    r.problems.extend(sub.problems)
    rules: list[Rule] = []
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        r.bad("rules", "規則の一覧が必要です", "must be a non-empty list of rules")
        raw_rules = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rule = _rule(raw, f"rules.{index}", r, known_behaviours)
        if rule is not None:
            if rule.id in seen:
                r.bad(f"rules.{index}.id", "規則IDが重複しています", "duplicate rule id")
            seen.add(rule.id)
            rules.append(rule)
    sections = data.get("phone_script_sections", {})
    if not isinstance(sections, Mapping) or not all(
        k in SCRIPTS and isinstance(v, int) and not isinstance(v, bool) and v > 0 for k, v in sections.items()
    ):
        r.bad("phone_script_sections", "台本の種類と節番号の対応が必要です", "must map a script kind to a section number", SCRIPTS[1:])
        sections = {}
    if r.problems:
        raise InputError(r.problems)
    return LivePolicy(
        version=str(data.get("version", "")), source=str(data.get("source", "")),
        time_warning_share=share, idle_close_seconds=idle, repeat_demand_count=repeat,
        continued_after_end_request=continued, shouting=shouting, rules=tuple(rules),
        end_request_markers=r.words(data.get("end_request_markers"), "end_request_markers"),
        demand_markers=r.words(data.get("demand_markers"), "demand_markers"),
        demand_topics=r.words(data.get("demand_topics"), "demand_topics"),
        phone_script_sections={str(k): int(v) for k, v in sections.items()},
        alert_min_score=min_score, model_alert_min_score=model_min,
    )


def _rule(raw: Any, path: str, r: _Reader, known: frozenset[str] | None) -> Rule | None:
    if not isinstance(raw, Mapping):
        r.bad(path, "オブジェクトが必要です", "must be a mapping")
        return None
    before = len(r.problems)
    for key in raw:
        if key not in _RULE_KEYS:
            r.bad(f"{path}.{key}", "不明な項目です", "unknown field", _RULE_KEYS)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        r.bad(f"{path}.id", "規則IDが必要です", "a rule id is required")
    trigger = raw.get("trigger")
    if trigger not in TRIGGERS:
        r.bad(f"{path}.trigger", "不明なきっかけです", "unknown trigger", TRIGGERS)
    behaviours = raw.get("behaviours", [])
    if not isinstance(behaviours, list) or not all(isinstance(b, str) for b in behaviours):
        r.bad(f"{path}.behaviours", "行為IDの一覧が必要です", "must be a list of behaviour ids")
        behaviours = []
    if trigger == "behaviour" and not behaviours:
        r.bad(f"{path}.behaviours", "行為IDを1つ以上指定してください", "name at least one behaviour")
    if known is not None:
        for b in behaviours:
            if b not in known:
                r.bad(f"{path}.behaviours", f"不明な行為IDです: {b}", f"unknown behaviour id: {b}", tuple(sorted(known)))
    notify = raw.get("notify")
    if not isinstance(notify, list) or not notify or any(n not in AUDIENCES for n in notify):
        r.bad(f"{path}.notify", "通知先の一覧が必要です", "must list who is told", AUDIENCES)
        notify = []
    severity = raw.get("severity")
    if not isinstance(severity, int) or isinstance(severity, bool) or not 1 <= severity <= 3:
        r.bad(f"{path}.severity", "1〜3の整数を指定してください", "must be 1, 2 or 3")
    script = raw.get("script", "")
    if script not in SCRIPTS:
        r.bad(f"{path}.script", "不明な台本の種類です", "unknown script kind", SCRIPTS)
    reason = raw.get("reason")
    if not isinstance(reason, Mapping) or not all(isinstance(reason.get(k), str) and reason.get(k) for k in ("ja", "en")):
        r.bad(f"{path}.reason", "日本語と英語の理由が必要です", "needs a reason in ja and en")
        reason = {"ja": "", "en": ""}
    if len(r.problems) > before:
        return None
    return Rule(id=str(rule_id).strip(), trigger=str(trigger), notify=tuple(dict.fromkeys(notify)),
                severity=int(severity), script=str(script),  # type: ignore[arg-type]
                reason=Message(reason["ja"], reason["en"]), behaviours=tuple(behaviours))


def default_policy_data() -> dict[str, Any]:
    text = resources.files("kasuhara.live").joinpath("data/policy.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = strict_load(text)
    return data


@cache
def default_policy() -> LivePolicy:
    """The packaged policy (checked against the knowledge base's behaviour ids)."""
    from kasuhara.knowledge import load_knowledge_base

    known = frozenset(b.id for b in load_knowledge_base().behaviours)
    return policy_from_mapping(default_policy_data(), known_behaviours=known)
