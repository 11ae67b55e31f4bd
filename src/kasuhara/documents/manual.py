"""Response manual (対応マニュアル) for staff, citing the ordinance where the company is.

Tokyo's subsidy pays for a manual written after 2025-04-01 that cites the ordinance, so the
manual cites the local ordinance by article where the knowledge base has it in force.
"""

from __future__ import annotations

from typing import Any

from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.documents.legal import LegalContext
from kasuhara.errors import Message, NotInForceError


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


def _variables(inp: BuildInput) -> dict[str, Any]:
    law = inp.legal()
    return {"law": law, "offences": offence_rows(law)}


KINDS = (
    DocumentKind(
        id="manual",
        title=Message("カスタマーハラスメント対応マニュアル", "Customer-harassment response manual"),
        description=Message(
            "従業員向けの対応手順（定義、類型別対応、基準、連絡先、警察連携、記録、ケア、条例）",
            "Staff procedures: definition, response by type, thresholds, contacts, police, records, care, ordinance",
        ),
        template="manual",
        variables=_variables,
    ),
)
