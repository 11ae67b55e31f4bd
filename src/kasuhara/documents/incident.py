"""A case as the case-based documents see it (warning letter, incident report).

It comes from a JSON export (CLI `--incident FILE`) or from the case-file database (web app);
both give the facts in the judgment's schema plus the timeline and the evidence list. The
judgment itself is run again here on the facts, so the offences and penalties in a report are
exactly what the judgment says for the incident's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.validation import read_mapping_file

TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    text: str
    actor: str = ""


@dataclass(frozen=True)
class EvidenceItem:
    filename: str
    kind: str
    sha256: str
    size: int | None = None
    collected_at: str = ""
    note: str = ""
    collected_by: str = ""


@dataclass(frozen=True)
class IncidentRecord:
    """One case, ready for a document."""

    id: str
    facts: Mapping[str, Any]
    site: str = ""
    site_address: str = ""
    summary: str = ""
    reporter: str = ""
    customer_name: str = ""
    customer_address: str = ""
    customer_phone: str = ""
    customer_note: str = ""
    victims: tuple[str, ...] = ()
    witnesses: tuple[str, ...] = ()
    on_behalf_of: str = ""
    """The owner a management company writes for (a warning letter as the owner's agent)."""
    timeline: tuple[TimelineEntry, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    decisions: tuple[TimelineEntry, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def occurred_at(self) -> datetime | None:
        raw = self.facts.get("occurred_at")
        if not isinstance(raw, str):
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            return None
        return value if value.tzinfo else value.replace(tzinfo=TOKYO)

    @property
    def occurred_on(self) -> date:
        """The date of the conduct, in Japan: it decides the penalty in force."""
        at = self.occurred_at
        if at is not None:
            return at.astimezone(TOKYO).date()
        raw = self.facts.get("occurred_at")
        if isinstance(raw, str):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        raise InputError([FieldProblem("facts.occurred_at", Message("発生日時が必要です", "the date of the conduct is required"))])


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def incident_from_mapping(data: Mapping[str, Any]) -> IncidentRecord:
    """Accept the case export (`{"id", "facts", "timeline", "evidence", ...}`) or bare judgment facts."""
    problems: list[FieldProblem] = []
    facts = data.get("facts")
    if facts is None and "occurred_at" in data:
        facts = dict(data)
        data = {}
    if not isinstance(facts, dict):
        raise InputError([FieldProblem("facts", Message("事実（facts）のオブジェクトが必要です", "needs a 'facts' object"))])
    # the case API's incident object keeps when and how outside the facts: complete them from it
    facts = {**{k: data[k] for k in ("occurred_at", "channel") if k in data and data[k] is not None}, **facts}
    timeline: list[TimelineEntry] = []
    for i, raw in enumerate(data.get("timeline") or []):
        if not isinstance(raw, dict) or "text" not in raw:
            problems.append(FieldProblem(f"timeline.{i}", Message("at と text が必要です", "needs 'at' and 'text'")))
            continue
        timeline.append(TimelineEntry(at=_str(raw, "at"), text=_str(raw, "text"), actor=_str(raw, "actor")))
    evidence: list[EvidenceItem] = []
    for i, raw in enumerate(data.get("evidence") or []):
        if not isinstance(raw, dict):
            problems.append(FieldProblem(f"evidence.{i}", Message("オブジェクトが必要です", "must be a mapping")))
            continue
        digest = _str(raw, "sha256").lower()
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            problems.append(FieldProblem(f"evidence.{i}.sha256", Message("SHA-256（16進64桁）が必要です", "needs a SHA-256 (64 hex digits)")))
        size = raw.get("size")
        evidence.append(
            EvidenceItem(
                filename=_str(raw, "filename") or _str(raw, "name"),
                kind=_str(raw, "kind"),
                sha256=digest,
                size=size if isinstance(size, int) else None,
                collected_at=_str(raw, "collected_at") or _str(raw, "uploaded_at"),
                note=_str(raw, "note"),
                collected_by=_str(raw, "collected_by") or _str(raw, "uploaded_by"),
            )
        )
    decisions = [
        TimelineEntry(at=_str(d, "at") or _str(d, "decided_at"), text=_str(d, "text") or _str(d, "kind"), actor=_str(d, "actor") or _str(d, "decided_by"))
        for d in (data.get("decisions") or [])
        if isinstance(d, dict)
    ]
    if problems:
        raise InputError(problems)
    customer = data.get("customer") if isinstance(data.get("customer"), dict) else {}
    assert isinstance(customer, dict)
    def names(key: str) -> tuple[str, ...]:
        value = data.get(key)
        if isinstance(value, str):
            return (value,) if value.strip() else ()
        return tuple(str(v) for v in value if str(v).strip()) if isinstance(value, list) else ()

    return IncidentRecord(
        id=_str(data, "id") or "—",
        facts=facts,
        site=_str(data, "site"),
        site_address=_str(data, "site_address"),
        summary=_str(data, "summary") or _str(data, "title"),
        reporter=_str(data, "reporter"),
        customer_name=_str(customer, "name"),
        customer_address=_str(customer, "address"),
        customer_phone=_str(customer, "phone"),
        customer_note=_str(customer, "note"),
        victims=names("victims"),
        witnesses=names("witnesses"),
        on_behalf_of=_str(data, "on_behalf_of"),
        timeline=tuple(timeline),
        evidence=tuple(evidence),
        decisions=tuple(decisions),
    )


def load_incident(path: Path) -> IncidentRecord:
    data = read_mapping_file(path, field="incident")
    return incident_from_mapping(data)
