"""The assessment as text for a person: the answer first, then why, then what to do.

Japanese by default; English on request. Legal text (penalty clauses) stays in Japanese in both,
with an English gloss, because the exact wording is what matters.
"""

from __future__ import annotations

from collections.abc import Callable

from kasuhara.errors import Message
from kasuhara.judge.engine import NEEDS_REVIEW, Assessment, penalty_period
from kasuhara.knowledge import Offence
from kasuhara.knowledge.model import URGENCIES
from kasuhara.knowledge.vocabulary import ORIGINS

_HEAD = {
    "title": Message("カスタマーハラスメント判定", "Customer-harassment assessment"),
    "determination": Message("判定", "Determination"),
    "date": Message("発生日", "Date"),
    "place": Message("場所", "Place"),
    "demand": Message("要求の妥当性（第1の軸）", "Demand validity (first axis)"),
    "manner": Message("手段・態様（第2の軸）", "Means and manner (second axis)"),
    "behaviours": Message("認められる行為", "Behaviours found"),
    "offences": Message("成立し得る犯罪", "Offences that may apply"),
    "rules": Message("適用される法令・条例", "Statutes and ordinances in force"),
    "actions": Message("対応（緊急度順）", "Actions (most urgent first)"),
    "trace": Message("判断の経過", "How the judgment was reached"),
    "notes": Message("注意", "Notes"),
    "none": Message("なし", "none"),
    "penalty": Message("法定刑", "Penalty"),
    "complaint": Message("告訴が必要", "criminal complaint required"),
    "verify": Message("確認すべき要件", "Elements to verify"),
    "screening": Message("発言の判定", "Screening"),
    "kb": Message("知識ベース版", "Knowledge base version"),
    "unconfirmed": Message("未確認", "unconfirmed"),
    "source": Message("出典", "source"),
    "suggestions": Message("発言の自動判定による示唆（未確認: 判定には含めていません）",
                           "Suggested by screening (unconfirmed: not counted in the determination)"),
    "rejected": Message("却下済み", "rejected"),
    "rule_found": Message("規則で検出", "rule"),
    "if_confirmed": Message("これらを確認した場合の判定", "If these are confirmed"),
    "added_offences": Message("加わる犯罪", "Offences added"),
    "added_actions": Message("加わる対応", "Actions added"),
    "same": Message("判定は変わりません", "the determination does not change"),
    "attempt": Message("未遂も処罰されます", "the attempt is punishable"),
    "disclaimer": Message("この判定について", "About this assessment"),
    "applies_when": Message("適用場面", "applies"),
}

_URGENCY = {
    "immediate": Message("直ちに", "immediately"),
    "urgent": Message("至急", "urgent"),
    "soon": Message("速やかに", "soon"),
    "follow_up": Message("事後に", "follow-up"),
}


def _article(off: Offence, sep: str) -> str:
    return f"{off.law_name.ja}第{off.article}条" if sep == "、" else f"{off.law_name.en} art. {off.article}"


def _suggestions(a: Assessment, lines: list[str], h: Callable[[str], str], t: Callable[[Message], str]) -> None:
    """Unconfirmed suggestions beside the judgment, then the determination if they were confirmed."""
    if not a.suggestions:
        return
    lines.append("")
    lines.append(f"■ {h('suggestions')}")
    for s in a.suggestions:
        kind = t(NEEDS_REVIEW) if s.needs_review else h("rule_found")
        mark = f" [{h('rejected')}]" if s.status == "rejected" else ""
        lines.append(f"  - 「{kind}」 {t(s.behaviour.label)} [{s.behaviour.id}]{mark}: {t(s.basis)}")
    w = a.if_confirmed
    if w is None:
        return
    lines.append(f"■ {h('if_confirmed')}: {t(w.determination.label)}  [{w.determination.id}]")
    if w.determination.id == a.determination.id:
        lines.append(f"  ({h('same')})")
    else:
        lines.append(f"  {t(w.explanation)}")
    sep = "、" if h("none") == "なし" else "; "
    offences = [o for o in w.offences if o.offence.id not in a.offence_ids]
    if offences:
        lines.append(f"  {h('added_offences')}: " + sep.join(f"{_article(o.offence, sep)} {t(o.name)}" for o in offences))
    actions = [x for x in w.actions if x.action.id not in a.action_ids]
    if actions:
        lines.append(f"  {h('added_actions')}: " + sep.join(t(x.action.label) for x in actions))


def render_text(assessment: Assessment, lang: str = "ja", *, with_trace: bool = True) -> str:
    """Render the assessment for a person, in `lang` (ja or en)."""
    L = "en" if lang == "en" else "ja"

    def h(key: str) -> str:
        return _HEAD[key].in_(L)

    def t(m: Message) -> str:
        return m.in_(L)

    a = assessment
    lines: list[str] = [f"■ {h('title')}", ""]
    lines.append(f"{h('determination')}: {t(a.determination.label)}  [{a.determination.id}]")
    lines.append(f"  {t(a.explanation)}")
    if a.if_confirmed is not None:
        pending = len(a.pending_ids)
        w = a.if_confirmed.determination
        lines.append(f"  ※ 未確認の示唆が{pending}件あります。確認した場合の判定: {w.label.ja} [{w.id}]" if L == "ja"
                     else f"  * {pending} unconfirmed suggestion(s); if confirmed: {w.label.en} [{w.id}]")
    lines.append(f"{h('date')}: {a.facts.occurred_on.isoformat()}    {h('place')}: {t(a.place)}")
    lines.append("")
    lines.append(f"{h('demand')}: {t(a.demand_assessment.label)}")
    lines.append(f"  {t(a.demand_assessment.reason)}")
    lines.append(f"{h('manner')}: {t(a.manner_assessment.label)}")
    lines.append(f"  {t(a.manner_assessment.reason)}")
    lines.append("")
    lines.append(f"■ {h('behaviours')}")
    if not a.behaviours:
        lines.append(f"  {h('none')}")
    for b in a.behaviours:
        lines.append(f"  - {t(b.behaviour.label)} [{b.behaviour.id}] ({t(ORIGINS[b.origin])}): {t(b.basis)}")
    if a.screening.get("status") == "not_screened":
        lines.append(
            "  "
            + (f"({h('screening')}: 発言{a.screening['utterances']}件は未判定)" if L == "ja"
               else f"({h('screening')}: {a.screening['utterances']} utterance(s) not yet screened)")
        )
    _suggestions(a, lines, h, t)
    lines.append("")
    lines.append(f"■ {h('offences')}")
    if not a.offences:
        lines.append(f"  {h('none')}")
    for o in a.offences:
        off = o.offence
        art = f"{off.law_name.ja}{off.article_label.ja}" if L == "ja" else f"{off.law_name.en} {off.article_label.en}"
        lines.append(f"  - {art} {t(o.name)}")
        p = o.penalty
        text = p.text if not p.resolved_text else f"{p.text}（{p.resolved_text}）"
        mark = f" [{h('unconfirmed')}]" if p.status == "U" else ""
        lines.append(f"    {h('penalty')}: {text}{mark}")
        period = penalty_period(p, a.coverage_from).in_(L)
        if L == "en" and p.gloss_en:
            lines.append(f"      ({p.gloss_en}; {period})")
        else:
            lines.append(f"      （{period}）" if L == "ja" else f"      ({period})")
        if p.note is not None:
            lines.append(f"      ※ {t(p.note)}" if L == "ja" else f"      * {t(p.note)}")
        if off.attempt_punishable:
            name = f"{t(off.attempt_name)}、" if L == "ja" and off.attempt_name else (
                f"{t(off.attempt_name)}, " if off.attempt_name else "")
            lines.append(f"    {h('attempt')}（{name}{off.attempt_basis}）" if L == "ja"
                         else f"    {h('attempt')} ({name}{off.attempt_basis})")
        if off.complaint_required:
            lines.append(f"    {h('complaint')}（{off.complaint_basis}）" if L == "ja"
                         else f"    {h('complaint')} ({off.complaint_basis})")
        lines.append(f"    {h('verify')}:")
        for e in o.elements_to_verify:
            lines.append(f"      ・{t(e)}")
    lines.append("")
    lines.append(f"■ {h('rules')}")
    if not a.applicable_rules:
        lines.append(f"  {h('none')}")
    for r in a.applicable_rules:
        mark = "" if r.from_confirmed else f" [{h('unconfirmed')}]"
        lines.append(f"  - {t(r.title)} [{r.id}]{mark}")
        if r.applies_when_text is not None:
            lines.append(f"    （{h('applies_when')}: {t(r.applies_when_text)}）" if L == "ja"
                         else f"    ({h('applies_when')}: {t(r.applies_when_text)})")
        lines.append(f"    {t(r.summary)}")
        lines.append(f"    {t(r.duty)}")
        if r.measures and r.measures_basis is not None:
            lines.append(f"    {t(r.measures_basis)}")
        for m in r.measures:
            lines.append(f"    ・{t(m)}")
        for n in r.notes:
            lines.append(f"    ※ {t(n)}" if L == "ja" else f"    * {t(n)}")
    lines.append("")
    lines.append(f"■ {h('actions')}")
    for i, act in enumerate(a.actions, 1):
        urg = _URGENCY[act.action.urgency] if act.action.urgency in URGENCIES else Message("", "")
        cond = ""
        if act.conditions:  # the first condition that brought the step (the JSON lists them all)
            cond = f"（{t(act.conditions[0])}）" if L == "ja" else f" ({t(act.conditions[0])})"
        lines.append(f"  {i}. [{t(urg)}] {t(act.action.label)} [{act.action.id}]{cond}")
        lines.append(f"     {t(act.action.text)}")
    if a.notes:
        lines.append("")
        lines.append(f"■ {h('notes')}")
        for n in a.notes:
            lines.append(f"  - {t(n)}")
    if a.disclaimer.ja:
        lines.append("")
        lines.append(f"■ {h('disclaimer')}")
        lines.append(f"  {t(a.disclaimer)}")
    if with_trace:
        lines.append("")
        lines.append(f"■ {h('trace')}")
        for i, step in enumerate(a.trace, 1):
            lines.append(f"  {i}. {t(step.question)}")
            lines.append(f"     → {t(step.answer)}")
            if step.sources:
                src = step.sources[0]
                cite = src.title + (f" {src.article}" if src.article else "")
                lines.append(f"     [{h('source')}: {cite} ({src.status})]")
    lines.append("")
    lines.append(f"{h('kb')}: {a.knowledge_base_version}")
    return "\n".join(lines) + "\n"

