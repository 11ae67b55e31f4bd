"""The MHLW two-axis judgment: facts → determination, behaviours, offences, rules, actions, trace.

The order of the questions is the manual's: first the behaviours (reported, inferred from the
company's limits, screened from what was said), then the demand axis (is the demand valid?),
then the manner axis (are the means and manner socially appropriate in light of it?), then what
law applies on that date in that place, then what to do, safety first. Every step is written to
the trace with its source so a supervisor (or a court) can follow the reasoning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from kasuhara.company import Thresholds
from kasuhara.errors import Message, NotInForceError
from kasuhara.findings import Screener, ScreenFinding, findings_from_results
from kasuhara.judge.facts import Facts
from kasuhara.knowledge import (
    Action,
    Behaviour,
    DeterminationInfo,
    KnowledgeBase,
    Offence,
    Penalty,
    ResponseType,
    Rule,
    Situation,
    Source,
    load_knowledge_base,
)
from kasuhara.knowledge.model import URGENCIES, message_dict, sources_dicts
from kasuhara.knowledge.vocabulary import CHANNELS, DEMAND_KINDS, ORIGINS, VALIDITIES

ORIGIN_ORDER = ("reported", "inferred", "screened")
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words from an utterance that a screener flagged."""

    utterance_index: int
    text: str
    score: float
    reason: Message
    source: str = "model"

    def to_dict(self) -> dict[str, Any]:
        return {
            "utterance_index": self.utterance_index,
            "text": self.text,
            "score": round(self.score, 4),
            "reason": message_dict(self.reason),
            "source": self.source,
        }


def _behaviour_dict(b: Behaviour, category_label: Message) -> dict[str, Any]:
    return {
        "id": b.id,
        "label": message_dict(b.label),
        "category": {"id": b.category, "label": message_dict(category_label)},
        "regardless_of_demand": b.regardless_of_demand,
    }


@dataclass(frozen=True, slots=True)
class FoundBehaviour:
    behaviour: Behaviour
    category_label: Message
    origin: str
    basis: Message
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **_behaviour_dict(self.behaviour, self.category_label),
            "origin": self.origin,
            "confirmed": True,
            "basis": message_dict(self.basis),
            "evidence": [e.to_dict() for e in self.evidence],
        }


NEEDS_REVIEW = Message("要確認", "possible: please confirm")
"""How a model-only finding is named to a person: the model saw something, a person must look."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A screened behaviour no person has confirmed: shown beside the judgment, never counted in it.

    `status` is `suggested` (waiting for a person) or `rejected` (a person said no). `source` is
    `rule` when an explained pattern matched in at least one utterance, else `model` (「要確認」).
    """

    behaviour: Behaviour
    category_label: Message
    source: str
    status: str
    basis: Message
    evidence: tuple[Evidence, ...]

    @property
    def needs_review(self) -> bool:
        return self.source != "rule"

    @property
    def score(self) -> float:
        return max((e.score for e in self.evidence), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            **_behaviour_dict(self.behaviour, self.category_label),
            "origin": "screened",
            "confirmed": False,
            "status": self.status,
            "source": self.source,
            "needs_review": self.needs_review,
            "review_label": message_dict(NEEDS_REVIEW) if self.needs_review else None,
            "score": round(self.score, 4),
            "basis": message_dict(self.basis),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class FoundOffence:
    offence: Offence
    name: Message
    penalty: Penalty
    elements_to_verify: tuple[Message, ...]

    def to_dict(self) -> dict[str, Any]:
        o = self.offence
        return {
            "id": o.id,
            "article": o.article,
            "law": {"id": o.law, **message_dict(o.law_name)},
            "name": message_dict(self.name),
            "penalty": self.penalty.to_dict(),
            "complaint_required": o.complaint_required,
            "complaint_basis": o.complaint_basis,
            "attempt_punishable": o.attempt_punishable,
            "attempt_basis": o.attempt_basis,
            "attempt_name": message_dict(o.attempt_name) if o.attempt_name else None,
            "article_label": message_dict(o.article_label),
            "elements_to_verify": [message_dict(e) for e in self.elements_to_verify],
            "sources": sources_dicts(o.sources),
        }


@dataclass(frozen=True, slots=True)
class FoundAction:
    action: Action
    reasons: tuple[str, ...]
    conditions: tuple[Message, ...]

    def to_dict(self) -> dict[str, Any]:
        a = self.action
        return {
            "id": a.id,
            "urgency": a.urgency,
            "label": message_dict(a.label),
            "text": message_dict(a.text),
            "because_of": list(self.reasons),
            "conditions": [message_dict(c) for c in self.conditions],
            "sources": sources_dicts(a.sources),
        }


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One question the judgment asked, its answer and where the rule comes from."""

    step: str
    question: Message
    answer: Message
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "question": message_dict(self.question),
            "answer": message_dict(self.answer),
            "sources": sources_dicts(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Axis:
    """The result on one MHLW axis with the reason for it."""

    result: str
    label: Message
    reason: Message
    sources: tuple[Source, ...]
    extra: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "result": self.result,
            "label": message_dict(self.label),
            "reason": message_dict(self.reason),
            "sources": sources_dicts(self.sources),
        }
        out.update(dict(self.extra))
        return out


@dataclass(frozen=True)
class Assessment:
    """The judgment of one incident. `to_dict()` is the `--format json` contract."""

    facts: Facts
    thresholds: Thresholds
    knowledge_base_version: str
    determination: DeterminationInfo
    explanation: Message
    demand_assessment: Axis
    manner_assessment: Axis
    behaviours: tuple[FoundBehaviour, ...]
    offences: tuple[FoundOffence, ...]
    applicable_rules: tuple[Rule, ...]
    response_types: tuple[ResponseType, ...]
    actions: tuple[FoundAction, ...]
    screening: dict[str, Any]
    trace: tuple[TraceStep, ...]
    place: Message
    notes: tuple[Message, ...] = field(default=())
    disclaimer: Message = field(default=Message("", ""))
    coverage_from: date | None = None
    suggestions: tuple[Suggestion, ...] = field(default=())
    if_confirmed: Assessment | None = None
    """The same judgment with every pending suggestion confirmed (None when nothing is pending)."""

    @property
    def pending_ids(self) -> tuple[str, ...]:
        """Screened behaviours waiting for a person's decision."""
        return tuple(s.behaviour.id for s in self.suggestions if s.status == "suggested")

    @property
    def behaviour_ids(self) -> tuple[str, ...]:
        return tuple(b.behaviour.id for b in self.behaviours)

    @property
    def offence_ids(self) -> tuple[str, ...]:
        return tuple(o.offence.id for o in self.offences)

    @property
    def action_ids(self) -> tuple[str, ...]:
        return tuple(a.action.id for a in self.actions)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.applicable_rules)

    def to_dict(self) -> dict[str, Any]:
        d = self.determination
        return {
            "knowledge_base_version": self.knowledge_base_version,
            "determination": d.id,
            "determination_label": message_dict(d.label),
            "determination_explanation": message_dict(self.explanation),
            "occurred_on": self.facts.occurred_on.isoformat(),
            "place": message_dict(self.place),
            "facts": self.facts.to_dict(),
            "thresholds": self.thresholds.to_dict(),
            "demand_assessment": self.demand_assessment.to_dict(),
            "manner_assessment": self.manner_assessment.to_dict(),
            "behaviours": [b.to_dict() for b in self.behaviours],
            "offences": [o.to_dict() for o in self.offences],
            "applicable_rules": [_rule_dict(r) for r in self.applicable_rules],
            "response_types": [{"id": r.id, "label": message_dict(r.label)} for r in self.response_types],
            "actions": [a.to_dict() for a in self.actions],
            "screening": self.screening,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "if_confirmed": self._if_confirmed_dict(),
            "notes": [message_dict(n) for n in self.notes],
            "disclaimer": message_dict(self.disclaimer),
            "trace": [t.to_dict() for t in self.trace],
        }

    def _if_confirmed_dict(self) -> dict[str, Any] | None:
        """What is at stake: the outcome if the pending suggestions were confirmed, and what changes."""
        w = self.if_confirmed
        if w is None:
            return None
        d = w.determination
        return {
            "confirm": list(self.pending_ids),
            "determination": d.id,
            "determination_label": message_dict(d.label),
            "determination_explanation": message_dict(w.explanation),
            "manner_assessment": w.manner_assessment.to_dict(),
            "behaviours": [b.to_dict() for b in w.behaviours],
            "offences": [o.to_dict() for o in w.offences],
            "actions": [a.to_dict() for a in w.actions],
            "response_types": [{"id": r.id, "label": message_dict(r.label)} for r in w.response_types],
            "changes": {
                "determination": d.id != self.determination.id,
                "offences_added": [i for i in w.offence_ids if i not in self.offence_ids],
                "actions_added": [i for i in w.action_ids if i not in self.action_ids],
            },
        }


def _rule_dict(rule: Rule) -> dict[str, Any]:
    out = rule.to_dict()
    del out["scope"]
    return out


def _m(ja: str, en: str) -> Message:
    return Message(ja, en)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def default_screener(utterances: Sequence[str]) -> Sequence[ScreenFinding]:
    """The package's own screener, imported on first use so a judgment without utterances never loads it.

    Each utterance is screened on its own (`screen_texts`) and translated by `findings_from_results`,
    the same two steps the web pages and the stored judgment use, so all show the same findings.
    """
    from kasuhara.screen import screen_texts

    return findings_from_results(screen_texts(list(utterances)))


def judge(
    facts: Facts,
    *,
    kb: KnowledgeBase | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    screener: Screener | None = default_screener,
) -> Assessment:
    """Judge one incident. Raises `NotInForceError` for dates the knowledge base does not cover.

    Utterances are screened by the package's screener unless another is given; `screener=None`
    leaves them unscreened (reported as such), e.g. to judge only what was reported.
    """
    kb = kb or load_knowledge_base()
    on = facts.occurred_on
    if on < kb.coverage_from:
        raise NotInForceError(
            _m(
                f"知識ベースは{kb.coverage_from.isoformat()}以降の行為を対象としています（発生日: {on.isoformat()}）",
                f"the knowledge base covers conduct from {kb.coverage_from.isoformat()} (incident date: {on.isoformat()})",
            )
        )
    trace: list[TraceStep] = []
    notes: list[Message] = []

    # 1. when: the penalty is keyed to the date of the conduct
    when_answer = (
        _m(f"{on.isoformat()}（入力された日時による）", f"{on.isoformat()} (from the facts)")
        if facts.date_given
        else _m(f"{on.isoformat()}（日時の入力がないため今日の日付）", f"{on.isoformat()} (no date given: today)")
    )
    trace.append(TraceStep("date", _m("いつの行為か（罰則は行為時の法による）", "When was the conduct? (penalties follow the law at that time)"),
                           when_answer, kb.text_sources["conduct_date"]))

    # 2. where
    place, place_trace = _place(kb, facts)
    trace.append(place_trace)

    # 3. behaviours: reported, inferred, screened
    found: dict[str, FoundBehaviour] = {}
    for bid in facts.behaviours:
        b = kb.behaviour(bid)
        found[bid] = FoundBehaviour(b, kb.category(b.category).label, "reported",
                                    _m("事実として申告されました", "reported in the facts"))
    _infer(kb, facts, thresholds, found, trace, _situation(facts, frozenset(found)))
    screening, suggestions, findings = _screen(kb, facts, screener, found, trace)

    behaviours = tuple(sorted(found.values(), key=lambda f: (ORIGIN_ORDER.index(f.origin), kb.behaviour_ids.index(f.behaviour.id))))
    situation = _situation(facts, frozenset(found))

    # 4. the two axes
    demand_axis = _demand_axis(kb, facts)
    trace.append(TraceStep("demand", _m("要求の内容に妥当性はあるか（第1の軸）", "Is the demand valid? (first axis)"),
                           demand_axis.reason, demand_axis.sources))
    accommodation = facts.accommodation_request is True
    if accommodation:
        trace.append(TraceStep("limits", _m("障害のある人からの合理的配慮の求めか（措置義務の限界）",
                                            "Is it a disabled person's request for reasonable accommodation? (a limit of the duty)"),
                               kb.text("accommodation_limit"), kb.text_sources["accommodation_limit"]))
    manner_axis = _manner_axis(kb, behaviours, demand_axis.result, accommodation=accommodation)
    trace.append(TraceStep("manner", _m("要求を実現するための手段・態様は社会通念上相当か（第2の軸）",
                                        "Are the means and manner socially appropriate? (second axis)"),
                           manner_axis.reason, manner_axis.sources))

    decided = kb.determine(replace(situation, demand_axis=demand_axis.result, manner_axis=manner_axis.result))
    determination = kb.determination(decided.result)
    if decided.actions is not None:
        determination = replace(determination, actions=decided.actions)
    statutory = [r for r in kb.rules_in_force(on=on) if r.id == "national_act"]
    explanation = decided.explanation or determination.explanation
    if manner_axis.result == "inappropriate_given_demand":
        explanation = _m("要求の妥当性に照らして、手段・態様が社会通念上不相当です",
                         "In light of the demand's validity, the means and manner are socially inappropriate.")
    answer = _m(f"{determination.label.ja}: {explanation.ja}", f"{determination.label.en}: {explanation.en}")
    if statutory:
        answer = _m(answer.ja + " " + kb.text("statutory_test").ja, answer.en + " " + kb.text("statutory_test").en)
    trace.append(TraceStep("determination", _m("判定", "Determination"), answer,
                           decided.sources + (kb.text_sources["statutory_test"] if statutory else kb.text_sources["definition_mhlw"])))

    # 5. offences on that date
    offences = _offences(kb, situation, facts, trace)

    # 6. rules in force there and then
    rules = _rules(kb, facts, situation, trace, notes)

    # 7. actions, safety first
    response_types, actions = _actions(kb, determination, situation, demand_axis.result, trace)

    # 8. what is at stake: the same judgment as if a person confirmed every pending suggestion
    pending = tuple(s.behaviour.id for s in suggestions if s.status == "suggested")
    if_confirmed = None
    if pending:
        if_confirmed = judge(replace(facts, screened_confirmed=facts.screened_confirmed + pending),
                             kb=kb, thresholds=thresholds, screener=lambda _utterances: findings)

    return Assessment(
        facts=facts,
        thresholds=thresholds,
        knowledge_base_version=kb.version,
        determination=determination,
        explanation=explanation,
        demand_assessment=demand_axis,
        manner_assessment=manner_axis,
        behaviours=behaviours,
        offences=offences,
        applicable_rules=rules,
        response_types=response_types,
        actions=actions,
        screening=screening,
        trace=tuple(trace),
        place=place,
        notes=tuple(notes),
        suggestions=suggestions,
        if_confirmed=if_confirmed,
        disclaimer=kb.text("disclaimer"),
        coverage_from=kb.coverage_from,
    )


def _situation(facts: Facts, behaviours: frozenset[str]) -> Situation:
    """The facts reduced to what the data's conditions can look at."""
    return Situation(
        behaviours=behaviours,
        channel=facts.channel,
        demand_kind=facts.demand.kind,
        injury=facts.injury,
        public=facts.public,
        asked_to_leave=facts.asked_to_leave,
        public_official=facts.staff_is_public_official,
        physical_contact=facts.physical_contact,
        stayed_after_request=facts.stayed_after_request,
        weapon_shown=facts.weapon_shown,
        acted_jointly=facts.acted_jointly,
        accommodation_request=facts.accommodation_request,
        lodging=facts.lodging,
        public_venue=facts.public_venue,
        prefecture=facts.location.prefecture_code if facts.location else None,
        validity=facts.demand.validity if facts.demand.related_to_service else "invalid",
    )


def _place(kb: KnowledgeBase, facts: Facts) -> tuple[Message, TraceStep]:
    q = _m("どこで起きたか（条例は場所による）", "Where did it happen? (ordinances depend on the place)")
    loc = facts.location
    if loc is None or loc.prefecture_code is None:
        if loc is not None and loc.municipality_input:
            a = _m(f"都道府県が不明です（市区町村「{loc.municipality_input}」は表にありません）。国の規範のみを確認します",
                   f"prefecture unknown (municipality '{loc.municipality_input}' is not in the table): national rules only")
        else:
            a = _m("場所の入力がないため、国の規範のみを確認します", "no place given: national rules only")
        return _m("不明", "unknown"), TraceStep("place", q, a, kb.place_sources)
    pref = kb.prefecture(loc.prefecture_code)
    if loc.municipality_code:
        name_ja = f"{pref.name}{loc.municipality_name}"
        muni = kb.find_municipality(loc.municipality_code)
        name_en = f"{muni.name_en if muni else loc.municipality_code}, {pref.name_en}"
        a = _m(f"{name_ja}（都道府県コード{pref.code}、市区町村コード{loc.municipality_code}）",
               f"{name_en} (prefecture code {pref.code}, municipality code {loc.municipality_code})")
    elif loc.municipality_input:
        name_ja, name_en = pref.name, pref.name_en
        a = _m(f"{pref.name}（コード{pref.code}）。市区町村「{loc.municipality_input}」は{pref.name}の表にないため、市区町村の条例は適用しません",
               f"{pref.name_en} (code {pref.code}). Municipality '{loc.municipality_input}' is not in {pref.name_en}'s table, so no municipal ordinance applies")
    else:
        name_ja, name_en = pref.name, pref.name_en
        a = _m(f"{pref.name}（コード{pref.code}）", f"{pref.name_en} (code {pref.code})")
    return _m(name_ja, name_en), TraceStep("place", q, a, kb.place_sources)


def _infer(kb: KnowledgeBase, facts: Facts, t: Thresholds, found: dict[str, FoundBehaviour],
           trace: list[TraceStep], s: Situation) -> None:
    """Infer behaviours from the company's limits and the facts, as the data's `inferences` say."""

    def holds(bid: str) -> bool:
        inference = kb.inference(bid)
        return inference is not None and (inference.when is None or inference.when(s))

    def add(bid: str, basis: Message) -> None:
        if bid in found:
            return
        b = kb.behaviour(bid)
        found[bid] = FoundBehaviour(b, kb.category(b.category).label, "inferred", basis)

    limit = t.time_limit_minutes
    if facts.duration_minutes is not None:
        d = _num(facts.duration_minutes)
        q = _m(f"対応時間は会社の上限（{limit}分）を超えたか", f"Did the contact run past the company's limit ({limit} min)?")
        dem = facts.demand
        if facts.duration_minutes > limit and dem.kind != "none" and holds("prolonged_restraint"):
            basis = _m(f"{d}分間の対応が会社の上限{limit}分を超え、要求は妥当な範囲を超えています",
                       f"the contact lasted {d} min, past the company's {limit}-min limit, on a demand beyond what is owed")
            add("prolonged_restraint", basis)
            a = _m(f"はい（{d}分 > {limit}分）。要求に妥当でない部分があるため「長時間の拘束」と推定します",
                   f"yes ({d} > {limit} min); the demand goes beyond what is owed, so prolonged restraint is inferred")
        elif facts.duration_minutes > limit and (dem.kind == "none" or dem.validity == "unknown"):
            why = (_m("要求がないため", "there is no demand, so") if dem.kind == "none"
                   else _m("要求の妥当性が分からないため", "the demand's validity is unknown, so"))
            a = _m(f"はい（{d}分 > {limit}分）。ただし{why.ja}、時間だけで拘束とは推定しません。長引いた理由（妥当な要求への対応か、居座り・拘束か）を確認してください",
                   f"yes ({d} > {limit} min), but {why.en} time alone does not make it restraint: establish why it took so long (handling a valid demand, or keeping staff tied up)")
        elif facts.duration_minutes > limit:
            a = _m(f"はい（{d}分 > {limit}分）。ただし要求が妥当なため、時間だけで拘束とは推定しません",
                   f"yes ({d} > {limit} min), but the demand is valid, so time alone does not make it restraint")
        else:
            a = _m(f"いいえ（{d}分 ≤ {limit}分）", f"no ({d} ≤ {limit} min)")
        trace.append(TraceStep("time_limit", q, a, kb.text_sources["time_limit"]))

    if facts.contacts_in_period is not None:
        c = facts.contacts_in_period
        n, days = t.repeat_contacts, t.repeat_days
        q = _m(f"連絡回数は会社の上限（{days}日間に{n}回）を超えたか",
               f"Did contacts exceed the company's limit ({n} in {days} days)?")
        if c.days <= days:
            over = c.count > n
            how = _m(f"{c.days}日間に{c.count}回", f"{c.count} in {c.days} days")
        else:
            # a longer period: compare the average rate over the company's window
            rate = c.count * days / c.days
            over = rate > n
            how = _m(f"{c.days}日間に{c.count}回（{days}日あたり平均{rate:.1f}回）",
                     f"{c.count} in {c.days} days (average {rate:.1f} per {days} days)")
        if over and holds("repeated_contact"):
            add("repeated_contact", _m(f"{how.ja}は会社の上限（{days}日間に{n}回）を超えています",
                                       f"{how.en} exceeds the company's limit ({n} in {days} days)"))
            a = _m(f"はい（{how.ja}）。「継続的・執拗な言動」と推定します", f"yes ({how.en}): repeated contact inferred")
        else:
            a = _m(f"いいえ（{how.ja}）", f"no ({how.en})")
        trace.append(TraceStep("contact_limit", q, a, kb.behaviour("repeated_contact").sources))

    if facts.asked_to_leave:
        n = facts.asked_to_leave
        q = _m("退去・通話終了を求めた後も、退去しなかった（通話を終えなかった）か", "Did the person stay after being asked to leave or end the contact?")
        if holds("refusal_to_leave"):
            add("refusal_to_leave", _m(f"退去・終了を{n}回求めた後も退去しません（通話を終えません）でした",
                                       f"the person did not leave or end the contact after being asked ({n} time(s))"))
            a = _m(f"はい（{n}回求めた後も退去しなかった・通話を終えなかった）。居座り・不退去と認めます",
                   f"yes (stayed after {n} request(s)): refusal to leave")
        elif facts.stayed_after_request is False:
            a = _m(f"いいえ（{n}回求め、求めに応じて退去した・通話を終えた）。不退去には当たりません",
                   f"no (asked {n} time(s); the person left or ended the call as asked): not a refusal to leave")
        else:
            a = _m(f"退去・終了を{n}回求めましたが、その後も退去しなかった（通話を終えなかった）かが記録されていません。不退去（刑法第130条）は求めに応じなかったことが要件のため、回数だけでは推定しません。確認してください",
                   f"asked {n} time(s), but whether the person stayed afterwards is not recorded. Art. 130 requires not leaving after the request, so the count alone is not enough: find out")
        trace.append(TraceStep("asked_to_leave", q, a, kb.behaviour("refusal_to_leave").sources))


def _screen(kb: KnowledgeBase, facts: Facts, screener: Screener | None, found: dict[str, FoundBehaviour],
            trace: list[TraceStep]) -> tuple[dict[str, Any], tuple[Suggestion, ...], tuple[ScreenFinding, ...]]:
    """Screened behaviours are suggestions: only those a person confirmed count (people decide).

    A finding for a behaviour already reported or inferred adds its words as evidence. A confirmed
    behaviour counts even when the current screener no longer finds it: the person's decision
    stands across model versions.
    """
    q = _m("発言から行為が読み取れるか", "Do the utterances show any behaviour?")
    confirmed, rejected = facts.screened_confirmed, facts.screened_rejected
    decisions = {"confirmed": list(confirmed), "rejected": list(rejected)}
    findings: tuple[ScreenFinding, ...] = ()
    if not facts.utterances:
        status: dict[str, Any] = {"status": "no_utterances", "utterances": 0, "findings": 0}
    elif screener is None:
        trace.append(TraceStep("screening", q, _m(f"発言{len(facts.utterances)}件は未判定です（判定機能が接続されていません）",
                                                   f"{len(facts.utterances)} utterance(s) not yet screened (no screener connected)")))
        status = {"status": "not_screened", "utterances": len(facts.utterances), "findings": 0}
    else:
        findings = tuple(screener(list(facts.utterances)))
        status = {"status": "screened", "utterances": len(facts.utterances), "findings": len(findings)}
    known = set(kb.behaviour_ids)
    grouped: dict[str, list[Evidence]] = {}
    ignored: list[str] = []
    for f in findings:
        if f.behaviour_id not in known:
            ignored.append(f.behaviour_id)
            continue
        grouped.setdefault(f.behaviour_id, []).append(
            Evidence(f.utterance_index, f.evidence, f.score, f.reason, getattr(f, "source", "model")))
    suggestions: list[Suggestion] = []
    for bid, evidence in grouped.items():
        if bid in found:
            prev = found[bid]
            found[bid] = FoundBehaviour(prev.behaviour, prev.category_label, prev.origin, prev.basis,
                                        prev.evidence + tuple(evidence))
            continue
        b = kb.behaviour(bid)
        source = "rule" if any(e.source == "rule" for e in evidence) else "model"
        shown = [e for e in evidence if e.source == source]
        quoted = "」「".join(e.text for e in shown[:3])
        if source == "rule":
            basis = _m(f"発言の自動判定: 「{quoted}」（{shown[0].reason.ja}）", f"screened utterance: 「{quoted}」 ({shown[0].reason.en})")
        else:
            basis = _m(f"{NEEDS_REVIEW.ja}（統計モデルのみの検出）: 「{quoted}」",
                       f"{NEEDS_REVIEW.en} (statistical model only): 「{quoted}」")
        if bid in confirmed:
            found[bid] = FoundBehaviour(b, kb.category(b.category).label, "screened",
                                        _m("確認済み・" + basis.ja, "confirmed, " + basis.en), tuple(evidence))
        else:
            suggestions.append(Suggestion(b, kb.category(b.category).label, source,
                                          "rejected" if bid in rejected else "suggested", basis, tuple(evidence)))
    for bid in confirmed:
        if bid not in found:
            b = kb.behaviour(bid)
            found[bid] = FoundBehaviour(b, kb.category(b.category).label, "screened",
                                        _m("人が確認した発言の自動判定（現在の判定では検出されていません）",
                                           "screened and confirmed by a person (the current screening no longer finds it)"))
    pending = [s for s in suggestions if s.status == "suggested"]
    if status["status"] == "screened" or confirmed or rejected:
        parts_ja: list[str] = []
        parts_en: list[str] = []
        if grouped:
            parts_ja.append("発言から次の行為が示唆されました: " + "、".join(kb.behaviour(b).label.ja for b in grouped))
            parts_en.append("the utterances suggest: " + ", ".join(kb.behaviour(b).label.en for b in grouped))
        elif status["status"] == "screened":
            parts_ja.append("発言から行為は検出されませんでした")
            parts_en.append("no behaviour found in the utterances")
        counted = [bid for bid in confirmed if bid not in facts.behaviours]
        if counted:
            parts_ja.append("人が確認したため判定に含めます: " + "、".join(kb.behaviour(b).label.ja for b in counted))
            parts_en.append("confirmed by a person, so counted: " + ", ".join(kb.behaviour(b).label.en for b in counted))
        if pending:
            parts_ja.append("未確認のため判定に含めません: " + "、".join(s.behaviour.label.ja for s in pending))
            parts_en.append("not confirmed, so not counted: " + ", ".join(s.behaviour.label.en for s in pending))
        if rejected:
            parts_ja.append("人が却下しました: " + "、".join(kb.behaviour(b).label.ja for b in rejected))
            parts_en.append("rejected by a person: " + ", ".join(kb.behaviour(b).label.en for b in rejected))
        if ignored:
            parts_ja.append(f"不明なID {', '.join(sorted(set(ignored)))} は無視しました")
            parts_en.append(f"ignored unknown ids {', '.join(sorted(set(ignored)))}")
        trace.append(TraceStep("screening", q, _m("。".join(parts_ja), "; ".join(parts_en))))
    status.update({"suggested": [s.behaviour.id for s in pending], **decisions})
    return status, tuple(suggestions), findings


def _demand_axis(kb: KnowledgeBase, facts: Facts) -> Axis:
    d = facts.demand
    sources = kb.text_sources["definition_mhlw"]
    kind = DEMAND_KINDS[d.kind]
    extra = (("kind", d.kind), ("validity", d.validity), ("related_to_service", d.related_to_service))
    if d.kind == "none":
        return Axis("no_demand", _m("要求なし", "no demand"),
                    _m("要求はありません。手段・態様だけで判断します", "there is no demand; the manner alone is judged"), sources, extra)
    if not d.related_to_service:
        return Axis("unrelated", _m("商品・サービスと無関係", "unrelated to the service"),
                    _m(f"要求（{kind.ja}）は商品・サービスと関係がなく、妥当性がありません",
                       f"the demand ({kind.en}) is unrelated to the product or service, so it is not valid"), sources, extra)
    v = VALIDITIES[d.validity]
    reasons = {
        "valid": _m(f"要求（{kind.ja}）には妥当性があります", f"the demand ({kind.en}) is valid"),
        "partially_valid": _m(f"要求（{kind.ja}）は一部に妥当性があります（妥当な範囲を超える部分には応じる必要はありません）",
                              f"the demand ({kind.en}) is partly valid (the part beyond what is owed need not be met)"),
        "invalid": _m(f"要求（{kind.ja}）には妥当性がありません（商品・サービスに瑕疵・過失がない、又は要求が過大）",
                      f"the demand ({kind.en}) is not valid (no fault in the product or service, or the demand is out of proportion)"),
        "unknown": _m(f"要求（{kind.ja}）の妥当性は、事実を確認するまで分かりません",
                      f"whether the demand ({kind.en}) is valid is unknown until the facts are checked"),
    }
    return Axis(d.validity, v, reasons[d.validity], sources, extra)


def _manner_axis(kb: KnowledgeBase, behaviours: tuple[FoundBehaviour, ...], demand: str, *,
                 accommodation: bool = False) -> Axis:
    sources = kb.text_sources["definition_mhlw"] + kb.category("demand_dependent").sources
    regardless = [f for f in behaviours if f.behaviour.regardless_of_demand]
    dependent = [f for f in behaviours if not f.behaviour.regardless_of_demand]
    ids = (("behaviours", [f.behaviour.id for f in regardless + dependent]),)
    if accommodation and dependent and not regardless:
        names_ja = "、".join(f.behaviour.label.ja for f in dependent)
        names_en = ", ".join(f.behaviour.label.en for f in dependent)
        return Axis("depends_on_demand", _m("合理的配慮の求め（対話で確認）", "a request for accommodation (settle in dialogue)"),
                    _m(f"障害のある人からの社会的障壁の除去の求めであり、{names_ja}とは扱いません。負担が過重かを対話で確認します",
                       f"a disabled person's request to remove a social barrier is not treated as {names_en}; settle in dialogue whether the burden is excessive"),
                    sources + kb.text_sources["accommodation_limit"], ids)
    if regardless:
        names_ja = "、".join(f.behaviour.label.ja for f in regardless)
        names_en = ", ".join(f.behaviour.label.en for f in regardless)
        return Axis("inappropriate_regardless_of_demand", _m("不相当（要求内容にかかわらず）", "inappropriate whatever the demand"),
                    _m(f"{names_ja}は、要求の内容にかかわらず社会通念上不相当とされる可能性が高い言動です",
                       f"{names_en}: conduct likely to be socially inappropriate whatever the demand"), sources, ids)
    if dependent:
        names_ja = "、".join(f.behaviour.label.ja for f in dependent)
        names_en = ", ".join(f.behaviour.label.en for f in dependent)
        sources = sources + kb.manner_matrix_sources
        reading = kb.manner_matrix.get(demand, "depends_on_demand")
        if reading == "inappropriate_given_demand":
            return Axis("inappropriate_given_demand", _m("不相当（要求の妥当性に照らして）", "inappropriate in light of the demand"),
                        _m(f"{names_ja}は、妥当性のない（又は妥当な範囲を超える）要求に照らして不相当です",
                           f"{names_en}: inappropriate in light of a demand that is not valid (or goes beyond what is owed)"), sources, ids)
        if reading == "depends_on_demand":
            return Axis("depends_on_demand", _m("要求の妥当性による", "depends on the demand's validity"),
                        _m(f"{names_ja}が不相当かは要求の妥当性によるため、事実確認が必要です",
                           f"whether {names_en} is inappropriate depends on the demand's validity: check the facts"), sources, ids)
        return Axis("appropriate", _m("相当", "appropriate"),
                    _m(f"要求が妥当なため、{names_ja}は不相当とは言えません（要求が本当に妥当か、申告内容を確認してください）",
                       f"the demand is valid, so {names_en} is not inappropriate (check that the demand really is valid)"), sources, ids)
    return Axis("appropriate", _m("相当", "appropriate"),
                _m("社会通念上不相当な手段・態様は見当たりません", "no socially inappropriate means or manner found"), sources, ids)


def _offences(kb: KnowledgeBase, s: Situation, facts: Facts, trace: list[TraceStep]) -> tuple[FoundOffence, ...]:
    on = facts.occurred_on
    out: list[FoundOffence] = []
    for o in kb.offences:
        relevant = not o.triggers.isdisjoint(s.behaviours)
        if o.applies_when(s):
            penalty = o.penalty_on(on)
            elements = list(o.elements)
            elements.extend(text for when, text in o.extra_elements if when(s))
            if o.complaint_required:
                period = kb.text("complaint_period")
                elements.append(_m(f"告訴期間: {period.ja}", f"complaint period: {period.en}"))
            name = o.name_on(on)
            out.append(FoundOffence(o, name, penalty, tuple(elements)))
            law = o.law_name
            art = o.article_label
            status = "" if penalty.status != "U" else "（条文の文言は未確認）"
            status_en = "" if penalty.status != "U" else " (wording unconfirmed)"
            shown = penalty.text if not penalty.resolved_text else f"{penalty.text}（{penalty.resolved_text}）"
            period = penalty_period(penalty, kb.coverage_from)
            trace.append(TraceStep(
                f"offence:{o.id}",
                _m(f"{law.ja}{art.ja}（{name.ja}）の要件に当たる事実があるか", f"Do the facts fit {law.en} {art.en} ({name.en})?"),
                _m(f"当たる可能性があります。{on.isoformat()}の行為の法定刑: {shown}（{period.ja}）{status}",
                   f"possibly. Penalty for conduct on {on.isoformat()}: {shown} ({period.en}){status_en}"),
                penalty.sources,
            ))
        elif relevant:
            trace.append(TraceStep(
                f"offence:{o.id}",
                _m(f"{o.law_name.ja}{o.article_label.ja}（{o.name.ja}）の要件に当たる事実があるか",
                   f"Do the facts fit {o.law_name.en} {o.article_label.en} ({o.name.en})?"),
                _m(f"現時点の事実では当たりません: {o.unmet.ja}", f"not on the facts given: {o.unmet.en}"),
                o.sources,
            ))
    return tuple(out)


def _rules(kb: KnowledgeBase, facts: Facts, situation: Situation, trace: list[TraceStep],
           notes: list[Message]) -> tuple[Rule, ...]:
    on = facts.occurred_on
    pref = facts.location.prefecture_code if facts.location else None
    muni = facts.location.municipality_code if facts.location else None
    rules = kb.rules_in_force(on=on, prefecture_code=pref, municipality_code=muni, situation=situation)
    for r in rules:
        if not r.from_confirmed:
            notes.append(_m(f"{r.title.ja}の施行日は未確認です", f"the in-force date of {r.title.en} is unconfirmed"))
    listed = "、".join(r.title.ja for r in rules) or "なし"
    listed_en = "; ".join(r.title.en for r in rules) or "none"
    answer_ja, answer_en = f"{on.isoformat()}時点で適用: {listed}", f"in force on {on.isoformat()}: {listed_en}"
    if "national_act" not in {r.id for r in rules}:
        act = kb.rule("national_act")
        answer_ja += f"。改正労働施策総合推進法の措置義務は{act.effective_from}施行のため、この日には適用されません"
        answer_en += f". The amended act's duty applies from {act.effective_from}, not on this date"
    in_force_ids = {r.id for r in rules}
    for r in kb.rules:
        # a national rule for this kind of business or request, not (yet) in force that day
        if (r.scope == "national" and r.applies_when is not None and r.id not in in_force_ids
                and r.applies_when(situation) and r.effective_from and on < r.effective_from):
            answer_ja += f"。{r.title.ja}は{r.effective_from}施行のため、この日には適用されません"
            answer_en += f". {r.title.en} is in force from {r.effective_from}, not on this date"
    for r in kb.rules_for_place(prefecture_code=pref, municipality_code=muni):
        if r.id in in_force_ids:
            continue
        if r.pending and r.pending_reason is not None:
            answer_ja += f"。{r.title.ja}は{r.pending_reason.ja}"
            answer_en += f". {r.title.en}: {r.pending_reason.en}"
        elif r.pending:
            answer_ja += f"。{r.title.ja}は未施行です（適用しません）"
            answer_en += f". {r.title.en} is not in force (pending): not applied"
        elif r.effective_from and on < r.effective_from:
            promulgated = f"（{r.promulgated}公布）" if r.promulgated else ""
            answer_ja += f"。{r.title.ja}は{r.effective_from}施行{promulgated}のため、この日には適用されません"
            answer_en += f". {r.title.en} is in force from {r.effective_from}, not on this date"
        else:
            answer_ja += f"。{r.title.ja}はこの日には効力がありません"
            answer_en += f". {r.title.en} is not in force on this date"
    if facts.location and facts.location.municipality_input and not muni:
        answer_ja += f"。市区町村「{facts.location.municipality_input}」は表にないため市区町村条例は確認していません"
        answer_en += f". Municipality '{facts.location.municipality_input}' is not in the table: no municipal ordinance checked"
    sources: tuple[Source, ...] = tuple(s for r in rules for s in r.sources[:1])
    trace.append(TraceStep("rules", _m("その日その場所で適用される法令・条例は何か", "Which statutes and ordinances apply there and then?"),
                           _m(answer_ja, answer_en), sources))
    return rules


def _actions(kb: KnowledgeBase, determination: DeterminationInfo, s: Situation, demand: str,
             trace: list[TraceStep]) -> tuple[tuple[ResponseType, ...], tuple[FoundAction, ...]]:
    reasons: dict[str, list[str]] = {}
    conditions: dict[str, list[Message]] = {}
    unconditional: set[str] = set()  # reached by a step without a condition: no condition is shown
    types: list[ResponseType] = []
    if determination.id == "customer_harassment":
        for rt in kb.response_types:
            applies = rt.applies_when(s) if rt.applies_when is not None else not rt.triggers.isdisjoint(s.behaviours)
            if not applies:
                continue
            types.append(rt)
            for step in rt.steps:
                if step.when is not None and not step.when(s):
                    continue
                reasons.setdefault(step.action, []).append(rt.id)
                if step.when_text is not None:
                    conditions.setdefault(step.action, []).append(step.when_text)
                elif step.when is None:
                    unconditional.add(step.action)
    for a in determination.actions:
        reasons.setdefault(a, []).append(determination.id)
        unconditional.add(a)
    # actions the demand itself calls for (responses.yaml demand_actions): what is owed is still met
    # under harassment, a partly valid demand is met in part and declined for the rest, a request for
    # accommodation is considered. Their condition is always shown: it says which part they concern.
    decided = replace(s, demand_axis=demand, determination=determination.id)
    for da in kb.demand_actions:
        if da.when(decided):
            reasons.setdefault(da.action, []).append(da.id)
            unconditional.discard(da.action)
            if da.when_text is not None:
                conditions.setdefault(da.action, []).insert(0, da.when_text)
    found = [FoundAction(kb.action(a), tuple(dict.fromkeys(r)),
                         () if a in unconditional else tuple(dict.fromkeys(conditions.get(a, ()))))
             for a, r in reasons.items()]
    found.sort(key=lambda f: (URGENCIES.index(f.action.urgency), f.action.rank))
    if types:
        ans = _m("対応類型: " + "、".join(t.label.ja for t in types) + "。安全確保を最優先に次の順で対応します",
                 "response types: " + ", ".join(t.label.en for t in types) + ". Act in this order, safety first")
    else:
        ans = _m(f"{determination.label.ja}としての対応", f"the response to {determination.label.en}")
    sources = tuple(s for t in types for s in t.sources) or determination.sources
    trace.append(TraceStep("actions", _m("どう対応するか（厚生労働省マニュアルの類型別対応）", "What to do (the MHLW manual's response by type)"),
                           ans, sources))
    return tuple(types), tuple(found)


def penalty_period(p: Penalty, coverage_from: date | None) -> Message:
    """The conduct a penalty clause covers, as a period. The first recorded clause starts at the
    knowledge base's coverage, not at the law's own date, so it is shown by its end only (a start
    date of 2020-06-01 would wrongly read as the day the clause took effect)."""
    start, until = p.effective_from.isoformat(), p.effective_until.isoformat() if p.effective_until else None
    first = coverage_from is not None and p.effective_from <= coverage_from
    if first and until is None:
        return _m(f"知識ベースの収録期間（{start}〜）を通じて同じ条文", f"unchanged over the recorded period (from {start})")
    if until is None:
        return _m(f"{start}以降の行為に適用", f"for conduct from {start}")
    if first:
        return _m(f"{until}までの行為に適用", f"for conduct until {until}")
    return _m(f"{start}〜{until}の行為に適用", f"for conduct from {start} to {until}")


def describe_channel(channel: str) -> Message:
    return CHANNELS[channel]


def describe_origin(origin: str) -> Message:
    return ORIGINS[origin]
