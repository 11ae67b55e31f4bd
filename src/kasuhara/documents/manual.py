"""Response manual (対応マニュアル) for staff, citing the ordinance where the company is.

Tokyo's subsidy pays for a manual written after 2025-04-01 that cites the ordinance, so the
manual cites the local ordinance by article where the knowledge base has it in force.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.documents.legal import LegalContext
from kasuhara.errors import Message, NotInForceError
from kasuhara.strict_yaml import strict_load


def offence_rows(law: LegalContext) -> list[dict[str, Any]]:
    """Each offence with the penalty clause in force on the document's date."""
    rows: list[dict[str, Any]] = []
    for o in law.kb.offences:
        try:
            penalty = law.penalty_text(o, law.on)
        except NotInForceError as exc:
            penalty = exc.text(law.lang)
        rows.append(
            {
                "article": o.article,
                "law_name": o.law_name,
                "name": o.name_on(law.on) if _has_penalty(o, law) else o.name,
                "penalty": penalty,
                "complaint_required": o.complaint_required,
            }
        )
    return rows


def _has_penalty(o: Any, law: LegalContext) -> bool:
    try:
        o.penalty_on(law.on)
    except NotInForceError:
        return False
    return True


@cache
def practice() -> dict[str, Any]:
    """The manual's practice content (data/manual.yaml): phrases, channels, examples, procedures."""
    data: dict[str, Any] = strict_load(resources.files("kasuhara.documents").joinpath("data/manual.yaml").read_text("utf-8"))
    return data


def _fits(item: dict[str, Any], industry: str) -> bool:
    return industry not in item.get("not_for", []) and (not item.get("industries") or industry in item["industries"])


NO_IN_PERSON = frozenset({"call_center"})
"""Industries that never meet customers face to face: no 退去 steps in their manual."""


def response_steps(law: LegalContext, industry: str) -> list[dict[str, Any]]:
    """The nine response types with their steps; in-person steps left out where there is no counter."""
    out = []
    for r in law.response_types:
        steps = [s for s in r.steps if not (industry in NO_IN_PERSON and s.action == "request_to_leave")]
        out.append({"type": r, "steps": steps})
    return out


def practice_for(industry: str, lang: str) -> dict[str, Any]:
    """The practice content that fits the company's industry, in one language."""
    data = practice()

    def tx(m: Any) -> str:
        return str(m.get(lang) or m.get("ja")) if isinstance(m, dict) else str(m)

    module = data["industries"].get(industry)
    used = ["MHLW", "TMG"] + (list(module["source"]) if module else [])
    sources = [
        {"text": data["sources"][k]["text"], "status": data["sources"][k]["status"]} for k in dict.fromkeys(used)
    ]
    return {
        "phrases": [{"situation": tx(p["situation"]), "text": tx(p)} for p in data["phrases"]],
        "channels": [{"title": tx(c["title"]), "steps": [tx(x) for x in c["steps"]]} for c in data["channels"] if _fits(c, industry)],
        "examples": {k: "、".join(tx(x) for x in v) if lang == "ja" else "; ".join(tx(x) for x in v)
                     for k, v in data["examples"].items()},
        "ban": {"title": tx(data["ban"]["title"]), "steps": [tx(x) for x in data["ban"]["steps"]],
                "note": tx(data["ban"]["industry"][industry]) if industry in data["ban"]["industry"] else ""},
        "care": {"title": tx(data["care"]["title"]), "steps": [tx(x) for x in data["care"]["steps"]]},
        "industry": None if module is None else {"title": tx(module["title"]), "points": [tx(x) for x in module["items"]]},
        "practice_sources": sources,
        "in_person": industry not in NO_IN_PERSON,
    }


def _variables(inp: BuildInput) -> dict[str, Any]:
    law = inp.legal()
    return {"law": law, "offences": offence_rows(law), "responses": response_steps(law, inp.company.industry),
            **practice_for(inp.company.industry, inp.lang)}


KINDS = (
    DocumentKind(
        id="manual",
        title=Message("カスタマーハラスメント対応マニュアル", "Customer-harassment response manual"),
        description=Message(
            "基本方針、対応の流れ、手段別・行為別の手順、出入り禁止とケアの手順、記録様式、業種別の留意点、法令は付録",
            "Policy, flow, procedures by channel and conduct, ban and care procedures, record forms, industry notes; law in an appendix",
        ),
        template="manual",
        sources="appendix",
        variables=_variables,
    ),
)
