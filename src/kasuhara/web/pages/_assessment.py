"""Running the judgment for the pages and turning `Assessment.to_dict()` into what a page shows.

Kept apart from the routers so the guided judgment, the report and the case page show an
assessment the same way. Company thresholds come from the company settings row (admins edit
them on the settings page); without a database row the documented defaults apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kasuhara.company import Thresholds
from kasuhara.interview import Walk, assess, interview_facts
from kasuhara.web.i18n import Translator


def company_thresholds(session: Session) -> Thresholds:
    """The company's thresholds from its settings row, else the defaults (30 min, 10 in 7 days)."""
    from kasuhara.store.models.company import CompanySettings

    try:
        row = session.scalars(select(CompanySettings).order_by(CompanySettings.id).limit(1)).first()
    except SQLAlchemyError:
        session.rollback()
        return Thresholds()
    if row is None:
        return Thresholds()
    return Thresholds(
        time_limit_minutes=row.time_limit_minutes or 30,
        repeat_contacts=row.repeat_contacts or 10,
        repeat_days=row.repeat_days or 7,
    )


def default_location(session: Session, user: Any | None) -> dict[str, str] | None:
    """Where the guided judgment assumes it happened: the signed-in user's only site, else the
    company's address (so the ordinances of that place apply); None when neither is known."""
    from kasuhara.store.models.company import CompanySettings
    from kasuhara.store.models.sites import Site
    from kasuhara.store.models.users import user_sites

    try:
        if user is not None:
            sites = list(session.scalars(
                select(Site).join(user_sites, user_sites.c.site_id == Site.id)
                .where(user_sites.c.user_id == user.id, Site.is_active)))
            if len(sites) == 1 and sites[0].prefecture_code:
                return _location(sites[0].prefecture_code, sites[0].municipality_code)
        row = session.scalars(select(CompanySettings).order_by(CompanySettings.id).limit(1)).first()
    except SQLAlchemyError:
        session.rollback()
        return None
    if row is not None and row.prefecture_code:
        return _location(row.prefecture_code, row.municipality_code)
    return None


def _location(prefecture: str, municipality: str | None) -> dict[str, str]:
    out = {"prefecture": prefecture}
    if municipality:
        out["municipality"] = municipality
    return out


def complete_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Facts as the engine expects them (the interview's rule: unanswered validity is `unknown`)."""
    return interview_facts(facts)


def assess_walk(current: Walk, thresholds: Thresholds, location: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The guided judgment's result: the interview core runs the engine."""
    return assess(current, thresholds=thresholds, location=location)


def _msg(t: Translator, value: Any) -> str:
    """Text in the page language from a `{ja, en}` mapping or a plain string."""
    if isinstance(value, Mapping):
        if "ja" in value or "en" in value:
            return t.message({k: str(v) for k, v in value.items() if isinstance(v, str)})
        for key in ("text", "reason", "explanation", "label", "summary", "title", "name"):
            if key in value:
                return _msg(t, value[key])
        return ""
    if isinstance(value, str):
        return value
    return ""


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else []


def axis_view(t: Translator, axis: Any) -> dict[str, str]:
    """One MHLW axis: its verdict label and the reason."""
    if not isinstance(axis, Mapping):
        return {"label": _msg(t, axis), "reason": ""}
    label = ""
    for key in ("label", "verdict", "value", "validity", "status"):
        if key in axis:
            label = _msg(t, axis[key]) if key == "label" else str(axis[key])
            if key != "label" and isinstance(axis.get("label"), Mapping):
                label = _msg(t, axis["label"])
            break
    reason = ""
    for key in ("reason", "reasons", "explanation", "basis", "text"):
        if key in axis:
            value = axis[key]
            reason = " ".join(_msg(t, v) for v in value) if isinstance(value, list) else _msg(t, value)
            break
    return {"label": label, "reason": reason}


def result_view(assessment: Mapping[str, Any], t: Translator) -> dict[str, Any]:
    """Everything the result block shows, already in the page language."""
    determination = str(assessment.get("determination", ""))
    behaviours = []
    for item in _list(assessment.get("behaviours")):
        if not isinstance(item, Mapping):
            continue
        origin = str(item.get("origin", "reported"))
        behaviours.append(
            {
                "id": str(item.get("id", "")),
                "label": _msg(t, item.get("label")),
                "origin": origin,
                "origin_label": t(f"guide.origin_{origin}"),
                "basis": _msg(t, item.get("basis")),
                "danger": item.get("id") in {"physical_attack", "threat", "confinement"},
            }
        )
    actions = []
    for item in _list(assessment.get("actions")):
        if not isinstance(item, Mapping):
            continue
        urgency = str(item.get("urgency", ""))
        actions.append(
            {
                "id": str(item.get("id", "")),
                "label": _msg(t, item.get("label")),
                "text": _msg(t, item.get("text")),
                "urgency": urgency,
                "urgency_label": t(f"guide.urgency.{urgency}") if urgency else "",
            }
        )
    offences = []
    for item in _list(assessment.get("offences")):
        if not isinstance(item, Mapping):
            continue
        penalty = item.get("penalty")
        penalty_text = ""
        if isinstance(penalty, Mapping):
            penalty_text = str(penalty.get(t.lang) or penalty.get("ja") or "")
        elements = [_msg(t, e) for e in _list(item.get("elements_to_verify"))]
        law = item.get("law")
        offences.append(
            {
                "article": str(item.get("article", "")),
                "law": _msg(t, law) if isinstance(law, Mapping) else str(law or ""),
                "name": _msg(t, item.get("name")),
                "penalty": penalty_text,
                "complaint_required": bool(item.get("complaint_required")),
                "elements": [e for e in elements if e],
            }
        )
    rules = []
    for item in _list(assessment.get("applicable_rules")):
        if isinstance(item, Mapping):
            rules.append({"id": str(item.get("id", "")), "title": _msg(t, item.get("title")),
                          "summary": _msg(t, item.get("summary") or item.get("duty"))})
    suggestions = [
        {"id": str(item.get("id", "")), "label": _msg(t, item.get("label")), "status": str(item.get("status", "")),
         "needs_review": bool(item.get("needs_review")),
         "evidence": [str(e.get("text", "")) for e in _list(item.get("evidence")) if isinstance(e, Mapping) and e.get("text")]}
        for item in _list(assessment.get("suggestions")) if isinstance(item, Mapping)
    ]
    what_if = assessment.get("if_confirmed")
    if_confirmed = None
    if isinstance(what_if, Mapping):
        if_confirmed = {"determination": str(what_if.get("determination", "")),
                        "determination_label": t(f"guide.det.{what_if.get('determination')}")}
    return {
        "suggestions": suggestions,
        "if_confirmed": if_confirmed,
        "determination": determination,
        "determination_label": t(f"guide.det.{determination}"),
        "explanation": _msg(t, assessment.get("explanation") or assessment.get("determination_explanation")),
        "demand": axis_view(t, assessment.get("demand_assessment")),
        "manner": axis_view(t, assessment.get("manner_assessment")),
        "behaviours": behaviours,
        "actions": actions,
        "offences": offences,
        "rules": rules,
        "kb_version": str(assessment.get("knowledge_base_version", "")),
    }
