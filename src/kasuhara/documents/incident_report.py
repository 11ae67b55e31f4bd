"""Incident report for the police or a lawyer, from a case.

Facts, timeline, the evidence list with SHA-256 hashes, and the offences that may apply with
their elements still to verify and the penalty in force on the incident's date (not today's).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kasuhara.documents.assessment import assess, message
from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.documents.incident import TOKYO, EvidenceItem, IncidentRecord
from kasuhara.documents.legal import LegalContext, legal_context
from kasuhara.documents.profile import PREFECTURES, CompanyProfile
from kasuhara.errors import Message, NotFoundError, NotInForceError


def offence_lines(assessment: dict[str, Any], law: LegalContext) -> list[dict[str, Any]]:
    """The judgment's offences, each with the knowledge base's penalty for the incident's date."""
    out: list[dict[str, Any]] = []
    for item in assessment.get("offences", []):
        article = str(item.get("article", ""))
        try:
            offence = law.kb.offence(item.get("id") or article)
        except NotFoundError:
            offence = None
        if offence is not None:
            try:
                penalty_obj = offence.penalty_on(law.on)
                penalty = law.penalty_text(offence, law.on)
                since = penalty_obj.effective_from.isoformat()
                name = law.t(offence.name_on(law.on))
            except NotInForceError as exc:
                penalty, since, name = exc.text(law.lang), "", law.t(offence.name)
            law_name = law.t(offence.law_name)
            basis = offence.complaint_basis or ""
            sources = law.sources_text(offence.sources)
        else:
            penalty = message(item.get("penalty"), law.lang)
            since, name, law_name, basis, sources = "", message(item.get("name"), law.lang), message(item.get("law"), law.lang), "", ""
        elements = [message(e, law.lang) for e in item.get("elements_to_verify", [])]
        out.append(
            {
                "article": article,
                "law_name": law_name,
                "name": name,
                "penalty": penalty,
                "since": since,
                "complaint_required": bool(item.get("complaint_required")),
                "complaint_basis": basis,
                "elements": elements,
                "sources": sources,
            }
        )
    return out


def behaviour_lines(assessment: dict[str, Any], law: LegalContext) -> list[dict[str, str]]:
    out = []
    for b in assessment.get("behaviours", []):
        bid = str(b.get("id", ""))
        try:
            label = law.t(law.kb.behaviour(bid).label)
        except NotFoundError:
            label = message(b.get("label"), law.lang) or bid
        out.append({"id": bid, "label": label, "origin": str(b.get("origin", "")), "basis": message(b.get("basis"), law.lang)})
    return out


def _axis(value: Any, lang: str) -> str:
    if not isinstance(value, dict):
        return message(value, lang)
    label, reason = message(value.get("label"), lang), message(value.get("reason"), lang)
    return f"{label}（{reason}）" if lang != "en" and reason else (f"{label} ({reason})" if reason else label)


def with_company_place(incident: IncidentRecord, company: CompanyProfile) -> IncidentRecord:
    """Where the incident happened decides the ordinance: its own location, else its site's, else
    the company's; the site's address is completed from the company's sites."""
    site = company.site(incident.site) if incident.site else None
    if site is not None and not incident.site_address and site.address:
        incident = replace(incident, site_address=site.address)
    if incident.facts.get("location"):
        return incident
    location: dict[str, str] = {}
    if site is not None and site.prefecture:
        location["prefecture"] = site.prefecture_code
        if site.municipality_code:
            location["municipality"] = site.municipality_code
    else:
        location["prefecture"] = company.prefecture_code
        if company.municipality_code:
            location["municipality"] = company.municipality_code
    return replace(incident, facts={**incident.facts, "location": location})


def _place_codes(incident: IncidentRecord, company: CompanyProfile) -> tuple[str, str]:
    """The incident's prefecture and municipality codes, from its facts' location."""
    location = incident.facts.get("location")
    location = location if isinstance(location, dict) else {}
    pref = str(location.get("prefecture") or "")
    if pref in PREFECTURES:
        pref = f"{PREFECTURES.index(pref) + 1:02d}"
    if not (pref.isdigit() and len(pref) == 2):
        pref = company.prefecture_code
    muni = str(location.get("municipality") or "")
    return pref, muni if muni.isdigit() else ""


PLACE_WORDING: dict[str, Message] = {
    "in_person": Message("当社{site}において", "at our {site}"),
    "phone": Message("当社{site}へのお電話において", "in a telephone call to our {site}"),
    "email": Message("当社宛の電子メールにおいて", "in e-mails to us"),
    "chat": Message("当社のチャット窓口において", "on our chat service"),
    "sns": Message("SNS上の投稿・メッセージにおいて", "in posts and messages on social media"),
    "letter": Message("当社宛の書面において", "in letters to us"),
    "off_premises": Message("当社従業員の訪問先において", "where our employee visited you"),
}


def place_wording(incident: IncidentRecord, lang: str) -> str:
    """How a letter says where it happened: a shop for a visit, the call for a phone call."""
    channel = str(incident.facts.get("channel") or "in_person")
    wording = PLACE_WORDING.get(channel, PLACE_WORDING["in_person"]).in_(lang)
    site = incident.site or ("店舗" if lang == "ja" else "shop")
    if channel == "phone" and not incident.site:
        return "当社へのお電話において" if lang == "ja" else "in a telephone call to us"
    return wording.format(site=site)


CHANNEL_LABELS: dict[str, Message] = {
    "in_person": Message("対面（来店）", "in person"), "phone": Message("電話", "phone"), "email": Message("メール", "e-mail"),
    "chat": Message("チャット", "chat"), "sns": Message("SNS", "social media"), "letter": Message("手紙", "letter"),
    "off_premises": Message("店舗外", "off the premises"),
}
VALIDITY_LABELS: dict[str, Message] = {
    "valid": Message("妥当", "valid"), "partially_valid": Message("一部妥当", "partly valid"),
    "invalid": Message("妥当でない", "not valid"), "unknown": Message("不明", "unknown"),
}
ORIGIN_LABELS: dict[str, Message] = {
    "reported": Message("報告", "reported"), "inferred": Message("推定", "inferred"),
    "screened": Message("発言から検出", "found in what was said"),
}


def _when_words(at: Any, on: Any, lang: str) -> str:
    """2026年11月20日午後2時5分頃 / 20 November 2026 at about 14:05 (Japan time)."""
    if lang == "en":
        day = on.strftime("%-d %B %Y")
        return f"{day} at about {at:%H:%M} (Japan time)" if at else day
    day = f"{on.year}年{on.month}月{on.day}日"
    if not at:
        return day
    half = "午前" if at.hour < 12 else "午後"
    hour = at.hour if at.hour <= 12 else at.hour - 12
    return f"{day}{half}{hour}時{at.minute}分頃"


def human_size(size: int | None) -> str:
    """Bytes as a person reads them, with the exact count for the record."""
    if size is None:
        return "—"
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}（{size:,} bytes）"
    return f"{size:,} bytes"


def _evidence_row(e: EvidenceItem) -> dict[str, str]:
    return {"filename": e.filename, "kind": e.kind or "—", "sha256": e.sha256, "size": human_size(e.size),
            "collected_at": e.collected_at or "—", "collected_by": e.collected_by, "note": e.note}


def _label(table: dict[str, Message], value: Any, lang: str) -> str:
    return table[value].in_(lang) if isinstance(value, str) and value in table else (str(value) if value else "—")


def case_variables(inp: BuildInput) -> dict[str, Any]:
    incident: IncidentRecord = with_company_place(inp.incident, inp.company)
    on = incident.occurred_on
    pref, muni = _place_codes(incident, inp.company)
    law = legal_context(on=on, lang=inp.lang, prefecture_code=pref, municipality_code=muni)
    a = assess(incident, inp.company.thresholds)
    try:
        determination = law.t(law.kb.determination(str(a.get("determination"))).label)
    except NotFoundError:
        determination = str(a.get("determination"))
    at = incident.occurred_at
    from kasuhara.documents.training import DEMANDS

    demand = incident.facts.get("demand") if isinstance(incident.facts.get("demand"), dict) else {}
    assert isinstance(demand, dict)
    return {
        "channel_label": _label(CHANNEL_LABELS, incident.facts.get("channel"), law.lang),
        "demand_label": _label(DEMANDS, demand.get("kind"), law.lang),
        "validity_label": _label(VALIDITY_LABELS, demand.get("validity"), law.lang),
        "origin_labels": {k: v.in_(law.lang) for k, v in ORIGIN_LABELS.items()},
        "law": law,
        "inc": incident,
        "facts": incident.facts,
        "occurred": at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") if at else on.isoformat(),
        "occurred_words": _when_words(at.astimezone(TOKYO) if at else None, on, inp.lang),
        "place_prefecture": PREFECTURES[int(pref) - 1],
        "place_text": place_wording(incident, inp.lang),
        "evidence": [_evidence_row(e) for e in incident.evidence],
        "occurred_on": on,
        "a": a,
        "determination_id": str(a.get("determination")),
        "determination": determination,
        "demand_text": _axis(a.get("demand_assessment"), law.lang),
        "manner_text": _axis(a.get("manner_assessment"), law.lang),
        "behaviours": behaviour_lines(a, law),
        "offences": offence_lines(a, law),
        "actions": [message(x.get("label") or x.get("text"), law.lang) for x in a.get("actions", [])],
        "kb_version": str(a.get("knowledge_base_version", law.kb_version)),
    }


KINDS = (
    DocumentKind(
        id="incident-report",
        title=Message("カスタマーハラスメント事案報告書", "Customer-harassment incident report"),
        description=Message(
            "警察・弁護士への相談用: 事実、経過、証拠一覧（ハッシュ値）、該当し得る罪と行為日の法定刑",
            "For the police or a lawyer: facts, timeline, evidence with hashes, offences and the penalty on the date",
        ),
        template="incident_report",
        variables=case_variables,
        needs_incident=True,
        audience="case",
    ),
)
