"""The knowledge base as typed, immutable values.

Everything here is built once by the loader from the packaged data files and then only read,
so the judgment can ask for an offence's penalty on a date in a few microseconds.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from kasuhara.errors import Message, NotFoundError, NotInForceError

STATUSES = ("V1", "V2", "U")
"""Source status, as `../shared/domain/law.md` defines it: primary read, secondary agreed, unconfirmed."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from and how well it is confirmed."""

    title: str
    status: str
    article: str | None = None
    url: str | None = None
    citation: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, str]:
        out: dict[str, str] = {"title": self.title, "status": self.status}
        for key in ("article", "url", "citation", "note"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


def message_dict(message: Message) -> dict[str, str]:
    return {"ja": message.ja, "en": message.en}


def sources_dicts(sources: tuple[Source, ...]) -> list[dict[str, str]]:
    return [s.to_dict() for s in sources]


@dataclass(frozen=True, slots=True)
class Situation:
    """What conditions in the data can look at: the facts, reduced to plain values."""

    behaviours: frozenset[str]
    channel: str
    demand_kind: str
    injury: bool | None
    public: bool | None
    asked_to_leave: int
    public_official: bool
    physical_contact: bool | None = None
    stayed_after_request: bool | None = None
    weapon_shown: bool | None = None
    acted_jointly: bool | None = None
    accommodation_request: bool | None = None
    lodging: bool | None = None
    public_venue: bool | None = None
    prefecture: str | None = None
    validity: str = "unknown"
    demand_axis: str = ""
    manner_axis: str = ""
    determination: str = ""

    def fact(self, name: str) -> Any:
        """A fact by name, for the data's conditions (kasuhara.knowledge.conditions)."""
        return getattr(self, name)

    def answer(self, question: str) -> Any:
        """The judgment has no interview answers."""
        return None


Condition = Callable[[Situation], bool]


@dataclass(frozen=True, slots=True)
class Inference:
    """A behaviour the judgment infers: over a company limit (or none) and when `when` holds."""

    behaviour: str
    limit: str
    when: Condition | None
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class DemandAction:
    """An action the demand itself calls for (the valid part met, the excess declined)."""

    id: str
    action: str
    when: Condition
    when_text: Message | None
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class DeterminationRule:
    """One row of the decision: the first rule whose condition holds gives the determination."""

    when: Condition | None
    result: str
    sources: tuple[Source, ...]
    explanation: Message | None = None
    """Replaces the determination's general explanation when this rule decides."""
    actions: tuple[str, ...] | None = None
    """Replaces the determination's usual actions when this rule decides."""


@dataclass(frozen=True, slots=True)
class DeterrenceProposal:
    """When to propose a deterrence step: a count above the company's threshold and steps already
    taken, or (with `when`) conduct on record whatever the count."""

    id: str
    step: str
    reason: Message
    min_events: int
    after: tuple[str, ...]
    when: Condition | None
    sources: tuple[Source, ...]


CITATION_STATUSES = ("V1", "V2", "U", "S")
"""A quoted wording's status: law.md's three, plus S, a practice source not checked against primary text."""


@dataclass(frozen=True, slots=True)
class Citation:
    """Wording a document quotes, keyed to the rule it belongs to, with its status and source keys."""

    id: str
    scope: str
    label: Message
    text: Message
    quote: bool
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Category:
    """An MHLW behaviour category (the manual's list of conduct likely to be inappropriate)."""

    id: str
    label: Message
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Behaviour:
    """One kind of conduct; its id is a contract other parts and the evaluation rely on."""

    id: str
    label: Message
    description: Message
    category: str
    regardless_of_demand: bool
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": message_dict(self.label),
            "description": message_dict(self.description),
            "category": self.category,
            "regardless_of_demand": self.regardless_of_demand,
            "sources": sources_dicts(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Penalty:
    """The penalty clause as it read for conduct from `effective_from` (to `effective_until`)."""

    text: str
    effective_from: date
    effective_until: date | None
    status: str
    sources: tuple[Source, ...]
    name: Message | None = None
    gloss_en: str | None = None
    same_as: str | None = None
    resolved_text: str | None = None
    note: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ja": self.text,
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "status": self.status,
            "sources": sources_dicts(self.sources),
        }
        if self.gloss_en:
            out["en"] = self.gloss_en
        if self.same_as:
            out["same_as"] = self.same_as
            out["resolved_ja"] = self.resolved_text
        if self.note:
            out["note"] = message_dict(self.note)
        return out


@dataclass(frozen=True, slots=True)
class Offence:
    """A criminal offence that kasuhara conduct may amount to, with its penalty history."""

    id: str
    article: str
    law: str
    law_name: Message
    name: Message
    elements: tuple[Message, ...]
    complaint_required: bool
    complaint_basis: str | None
    attempt_punishable: bool
    attempt_basis: str | None
    triggers: frozenset[str]
    applies_when: Condition
    unmet: Message
    penalties: tuple[Penalty, ...]
    sources: tuple[Source, ...]
    item: str | None = None
    attempt_name: Message | None = None
    extra_elements: tuple[tuple[Condition, Message], ...] = ()
    """Elements to verify only in some situations (e.g. art. 208: whether anyone was injured, when unknown)."""
    last_reviewed_on: date | None = None
    _starts: tuple[date, ...] = field(default=(), repr=False, compare=False)

    def penalty_on(self, on: date) -> Penalty:
        """The penalty for conduct on `on`; outside the known dates a loud NotInForceError."""
        index = bisect.bisect_right(self._starts, on) - 1
        if index < 0:
            first = self.penalties[0].effective_from
            raise NotInForceError(
                Message(
                    f"第{self.article}条の罰則は{on.isoformat()}時点のものを収録していません"
                    f"（収録範囲は{first.isoformat()}以降）",
                    f"the penalty of art. {self.article} is not recorded for {on.isoformat()} "
                    f"(recorded from {first.isoformat()})",
                )
            )
        penalty = self.penalties[index]
        if penalty.effective_until is not None and on > penalty.effective_until:
            raise NotInForceError(
                Message(
                    f"第{self.article}条の罰則は{penalty.effective_until.isoformat()}までしか収録していません",
                    f"the penalty of art. {self.article} is recorded only until "
                    f"{penalty.effective_until.isoformat()}",
                )
            )
        return penalty

    @property
    def article_label(self) -> Message:
        """第230条の2 / art. 230-2, with the item (第1条第5号) where the offence is one item."""
        main, _, sub = self.article.partition("-")
        ja = f"第{main}条" + (f"の{sub}" if sub else "") + (f"第{self.item}号" if self.item else "")
        en = f"art. {self.article}" + (f" item {self.item}" if self.item else "")
        return Message(ja, en)

    def name_on(self, on: date) -> Message:
        """The offence's name on a date (art. 176 was renamed in 2023)."""
        penalty = self.penalty_on(on)
        return penalty.name or self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article": self.article,
            "law": {"id": self.law, **message_dict(self.law_name)},
            "name": message_dict(self.name),
            "elements": [message_dict(e) for e in self.elements],
            "complaint_required": self.complaint_required,
            "complaint_basis": self.complaint_basis,
            "attempt_punishable": self.attempt_punishable,
            "attempt_basis": self.attempt_basis,
            "attempt_name": message_dict(self.attempt_name) if self.attempt_name else None,
            "item": self.item,
            "triggers": sorted(self.triggers),
            "penalties": [p.to_dict() for p in self.penalties],
            "sources": sources_dicts(self.sources),
        }


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """How a rule read from `effective_from`: an amendment replaces summary and duty, adds notes."""

    effective_from: date
    status: str
    summary: Message | None
    duty: Message | None
    notes: tuple[Message, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """A statutory duty, guideline or ordinance that applies by place and date."""

    id: str
    kind: str
    scope: str
    prefecture_code: str | None
    municipality_code: str | None
    title: Message
    summary: Message
    duty: Message
    effective_from: date | None
    effective_until: date | None
    from_confirmed: bool
    pending: bool
    penalty: Message | None
    measures: tuple[Message, ...]
    notes: tuple[Message, ...]
    sources: tuple[Source, ...]
    promulgated: date | None = None
    pending_reason: Message | None = None
    applies_when: Condition | None = None
    applies_when_text: Message | None = None
    measures_basis: Message | None = None
    versions: tuple[RuleVersion, ...] = ()
    last_reviewed_on: date | None = None

    def on(self, day: date) -> Rule:
        """The rule as it read on `day`: the latest version (amendment) in force then, if any."""
        current = [v for v in self.versions if v.effective_from <= day]
        if not current:
            return self
        v = current[-1]
        return replace(
            self,
            summary=v.summary or self.summary,
            duty=v.duty or self.duty,
            notes=self.notes + v.notes,
            sources=self.sources + v.sources,
        )

    def in_force_on(self, on: date) -> bool:
        if self.pending or self.effective_from is None:
            return False
        if on < self.effective_from:
            return False
        return self.effective_until is None or on <= self.effective_until

    def require_in_force(self, on: date) -> Rule:
        """The rule itself if it is in force on `on`, else a loud NotInForceError."""
        if not self.in_force_on(on):
            if self.pending:
                why_ja, why_en = "未施行（制定前）です", "is pending and not in force"
            else:
                start = self.effective_from.isoformat() if self.effective_from else "?"
                end = self.effective_until.isoformat() if self.effective_until else ""
                why_ja = f"の効力期間は{start}〜{end}です"
                why_en = f"is in force from {start}" + (f" until {end}" if end else "")
            raise NotInForceError(
                Message(
                    f"{self.title.ja}は{on.isoformat()}時点で効力がありません（{self.id}{why_ja}）",
                    f"{self.title.en} is not in force on {on.isoformat()} ({self.id} {why_en})",
                )
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "scope": self.scope,
            "prefecture_code": self.prefecture_code,
            "municipality_code": self.municipality_code,
            "title": message_dict(self.title),
            "summary": message_dict(self.summary),
            "duty": message_dict(self.duty),
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "in_force_date_confirmed": self.from_confirmed,
            "pending": self.pending,
            "penalty": message_dict(self.penalty) if self.penalty else None,
            "measures": [message_dict(m) for m in self.measures],
            "measures_basis": message_dict(self.measures_basis) if self.measures_basis else None,
            "promulgated": self.promulgated.isoformat() if self.promulgated else None,
            "applies_when": message_dict(self.applies_when_text) if self.applies_when_text else None,
            "versions": [
                {"effective_from": v.effective_from.isoformat(), "status": v.status,
                 "duty": message_dict(v.duty) if v.duty else None}
                for v in self.versions
            ],
            "notes": [message_dict(n) for n in self.notes],
            "sources": sources_dicts(self.sources),
        }


URGENCIES = ("immediate", "urgent", "soon", "follow_up")
"""Action urgency, most urgent first: safety comes before everything else."""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do; ids are stable (`ensure_safety`, `call_police`, ...)."""

    id: str
    urgency: str
    rank: int
    label: Message
    text: Message
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "urgency": self.urgency,
            "label": message_dict(self.label),
            "text": message_dict(self.text),
            "sources": sources_dicts(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Step:
    """A response step: an action, taken only when its condition holds."""

    action: str
    when: Condition | None
    when_text: Message | None


@dataclass(frozen=True, slots=True)
class ResponseType:
    """One of the nine MHLW response types (時間拘束型, リピート型, ...)."""

    id: str
    label: Message
    description: Message
    triggers: frozenset[str]
    applies_when: Condition | None
    steps: tuple[Step, ...]
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": message_dict(self.label),
            "description": message_dict(self.description),
            "triggers": sorted(self.triggers),
            "steps": [
                {"action": s.action, "when": message_dict(s.when_text) if s.when_text else None}
                for s in self.steps
            ],
            "sources": sources_dicts(self.sources),
        }


@dataclass(frozen=True, slots=True)
class DeterminationInfo:
    """A determination's labels and the actions it always calls for."""

    id: str
    label: Message
    explanation: Message
    actions: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Prefecture:
    code: str
    name: str
    short: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str
    name_en: str
    prefecture_code: str


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole validated knowledge base; build it with `load_knowledge_base()`."""

    version: str
    coverage_from: date
    coverage_sources: tuple[Source, ...]
    categories: tuple[Category, ...]
    behaviours: tuple[Behaviour, ...]
    offences: tuple[Offence, ...]
    rules: tuple[Rule, ...]
    actions: tuple[Action, ...]
    response_types: tuple[ResponseType, ...]
    determinations: tuple[DeterminationInfo, ...]
    prefectures: tuple[Prefecture, ...]
    municipalities: tuple[Municipality, ...]
    texts: Mapping[str, Message]
    text_sources: Mapping[str, tuple[Source, ...]]
    place_sources: tuple[Source, ...] = ()
    inferences: tuple[Inference, ...] = ()
    determination_rules: tuple[DeterminationRule, ...] = ()
    manner_matrix: Mapping[str, str] = field(default_factory=dict)
    manner_matrix_sources: tuple[Source, ...] = ()
    deterrence: tuple[DeterrenceProposal, ...] = ()
    demand_actions: tuple[DemandAction, ...] = ()
    citations: tuple[Citation, ...] = ()
    catalogue: Mapping[str, str] = field(default_factory=dict)
    """The source catalogue (meta.yaml `sources`) as display strings, by key."""
    _behaviours: dict[str, Behaviour] = field(default_factory=dict, repr=False)
    _categories: dict[str, Category] = field(default_factory=dict, repr=False)
    _offences: dict[str, Offence] = field(default_factory=dict, repr=False)
    _rules: dict[str, Rule] = field(default_factory=dict, repr=False)
    _actions: dict[str, Action] = field(default_factory=dict, repr=False)
    _responses: dict[str, ResponseType] = field(default_factory=dict, repr=False)
    _determinations: dict[str, DeterminationInfo] = field(default_factory=dict, repr=False)
    _prefecture_names: dict[str, Prefecture] = field(default_factory=dict, repr=False)
    _municipalities: dict[str, Municipality] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._behaviours.update({b.id: b for b in self.behaviours})
        self._categories.update({c.id: c for c in self.categories})
        self._offences.update({o.id: o for o in self.offences})
        self._rules.update({r.id: r for r in self.rules})
        self._actions.update({a.id: a for a in self.actions})
        self._responses.update({r.id: r for r in self.response_types})
        self._determinations.update({d.id: d for d in self.determinations})
        for p in self.prefectures:
            for key in (p.code, p.name, p.short, p.name_en.casefold(), str(int(p.code))):
                self._prefecture_names[key] = p
        self._municipalities.update({m.code: m for m in self.municipalities})

    @property
    def behaviour_ids(self) -> tuple[str, ...]:
        return tuple(b.id for b in self.behaviours)

    @property
    def action_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actions)

    def _get(self, table: Mapping[str, Any], key: str, what: Message) -> Any:
        try:
            return table[key]
        except KeyError:
            raise NotFoundError(
                Message(
                    f"{what.ja}「{key}」はありません（{', '.join(table)}）",
                    f"no {what.en} '{key}' (known: {', '.join(table)})",
                )
            ) from None

    def behaviour(self, id: str) -> Behaviour:
        result: Behaviour = self._get(self._behaviours, id, Message("行為", "behaviour"))
        return result

    def category(self, id: str) -> Category:
        result: Category = self._get(self._categories, id, Message("区分", "category"))
        return result

    def offence(self, id: str) -> Offence:
        """An offence by id: the Penal Code article (`"222"`, `"234-2"`) or `"stalker"`."""
        key = id.removeprefix("art.").removeprefix("第").removesuffix("条").strip()
        result: Offence = self._get(self._offences, key, Message("罪", "offence"))
        return result

    def rule(self, id: str) -> Rule:
        result: Rule = self._get(self._rules, id, Message("規範", "rule"))
        return result

    def action(self, id: str) -> Action:
        result: Action = self._get(self._actions, id, Message("対応", "action"))
        return result

    def response_type(self, id: str) -> ResponseType:
        result: ResponseType = self._get(self._responses, id, Message("対応類型", "response type"))
        return result

    def determination(self, id: str) -> DeterminationInfo:
        result: DeterminationInfo = self._get(self._determinations, id, Message("判定", "determination"))
        return result

    def inference(self, behaviour: str) -> Inference | None:
        return next((i for i in self.inferences if i.behaviour == behaviour), None)

    def determine(self, situation: Situation) -> DeterminationRule:
        """The first decision rule that holds (the data ends with an unconditional one)."""
        return next(r for r in self.determination_rules if r.when is None or r.when(situation))

    def text(self, key: str) -> Message:
        """A fixed sentence of the judgment (kept in data so wording lives beside its source)."""
        result: Message = self._get(self.texts, key, Message("文言", "text"))
        return result

    def find_prefecture(self, name_or_code: str) -> Prefecture | None:
        """東京都, 東京, Tokyo, 13 or 1 → the prefecture; None when unknown."""
        key = name_or_code.strip()
        return self._prefecture_names.get(key) or self._prefecture_names.get(key.casefold()) or (
            self._prefecture_names.get(key.casefold().removesuffix(" prefecture").removesuffix("-to"))
        )

    def prefecture(self, code: str) -> Prefecture:
        found = self.find_prefecture(code)
        if found is None:
            raise NotFoundError(Message(f"都道府県「{code}」はありません", f"no prefecture '{code}'"))
        return found

    def find_municipality(self, name_or_code: str, prefecture_code: str | None = None) -> Municipality | None:
        """A municipality by code, or by name within the prefecture (None when not in the table)."""
        key = name_or_code.strip()
        found = self._municipalities.get(key)
        if found is None:
            matches = [
                m
                for m in self.municipalities
                if key in (m.name, m.name_en) or key.casefold() == m.name_en.casefold()
            ]
            if prefecture_code is not None:
                matches = [m for m in matches if m.prefecture_code == prefecture_code]
            found = matches[0] if len(matches) == 1 else None
        if found is not None and prefecture_code is not None and found.prefecture_code != prefecture_code:
            return None
        return found

    def rules_in_force(
        self,
        *,
        on: date,
        prefecture_code: str | None = None,
        municipality_code: str | None = None,
        situation: Situation | None = None,
    ) -> tuple[Rule, ...]:
        """National rules and the ordinances of the place, in force on the date, as they read then.

        A rule for one kind of business or request (旅館業法 art. 5, reasonable accommodation) has
        `applies_when`; it is listed only when a `situation` is given and its condition holds.
        """
        out: list[Rule] = []
        for rule in self.rules:
            if not (rule.in_force_on(on) and self._rule_covers(rule, prefecture_code, municipality_code)):
                continue
            if rule.applies_when is not None and (situation is None or not rule.applies_when(situation)):
                continue
            out.append(rule.on(on))
        return tuple(out)

    @staticmethod
    def _rule_covers(rule: Rule, prefecture_code: str | None, municipality_code: str | None) -> bool:
        if rule.scope == "national":
            return True
        if rule.scope == "prefecture":
            return bool(prefecture_code) and rule.prefecture_code == prefecture_code
        return bool(municipality_code) and rule.municipality_code == municipality_code

    def rules_for_place(self, *, prefecture_code: str | None, municipality_code: str | None) -> tuple[Rule, ...]:
        """Every local rule of a place whatever its dates (to explain why one does not apply)."""
        return tuple(
            r
            for r in self.rules
            if (r.scope == "prefecture" and prefecture_code and r.prefecture_code == prefecture_code)
            or (r.scope == "municipality" and municipality_code and r.municipality_code == municipality_code)
        )
