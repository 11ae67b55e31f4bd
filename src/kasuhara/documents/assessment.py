"""Run the judgment on a case's facts, for the case-based documents.

The judgment is run again rather than read from a stored snapshot, because a document is
generated now but must state the law as it stood on the incident's date; the judgment keys
offences and penalties to `occurred_at`, so both agree.
"""

from __future__ import annotations

from typing import Any

from kasuhara.company import Thresholds
from kasuhara.documents.incident import IncidentRecord


def assess(incident: IncidentRecord, thresholds: Thresholds) -> dict[str, Any]:
    """The judgment's JSON object (`assessment.to_dict()`) for the incident's facts."""
    from kasuhara.judge import judge, parse_facts  # imported here: the core is optional for other documents

    facts = parse_facts(dict(incident.facts))
    result: dict[str, Any] = judge(facts, thresholds=thresholds).to_dict()
    return result


def message(value: Any, lang: str) -> str:
    """A {ja, en} object, a plain string or anything else, as text in `lang`."""
    if isinstance(value, dict):
        text = value.get(lang) or value.get("ja") or value.get("text") or ""
        return str(text)
    return "" if value is None else str(value)
