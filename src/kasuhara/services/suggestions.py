"""Screened suggestions on a case: a person confirms or rejects each, and the case keeps who did what.

The screen suggests, people decide. A decision is stored in the case's facts
(`screened_confirmed` / `screened_rejected`, the judgment's own input, so every later judgment
and document follows it), written to the timeline and the audit log with the words it was
based on and the screener's version, and, when the case has been judged or a supervisor
decides, the judgment is run again so the determination follows at once.

Who may decide: whoever works the case (a supervisor at its site, an admin), and the reporter on
their own report while it is still `reported`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kasuhara.errors import ConflictError, Message
from kasuhara.services import access, audit
from kasuhara.services import incidents as incident_service
from kasuhara.services import judgments as judgment_service
from kasuhara.services._util import choice, field_error
from kasuhara.store.models.incidents import Incident, IncidentEvent
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow

DECISIONS = ("confirm", "reject")
STATUSES = ("suggested", "confirmed", "rejected")
EVENT_KIND = "screening"


@dataclass(frozen=True)
class Suggestion:
    """One screened behaviour on a case and what a person did with it (`decided_*` None while open)."""

    behaviour_id: str
    status: str
    source: str
    score: float
    evidence: tuple[str, ...]
    label: Mapping[str, str]
    basis: Mapping[str, str]
    decided_by: int | None = None
    decided_at: datetime | None = None

    @property
    def needs_review(self) -> bool:
        return self.source != "rule"

    def to_dict(self) -> dict[str, Any]:
        return {
            "behaviour_id": self.behaviour_id, "status": self.status, "source": self.source,
            "needs_review": self.needs_review, "score": self.score, "evidence": list(self.evidence),
            "label": dict(self.label), "basis": dict(self.basis), "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


@dataclass(frozen=True)
class Suggestions:
    """The case's suggestions, the judgment they came from, and the outcome if the open ones were confirmed."""

    items: tuple[Suggestion, ...]
    assessment: Mapping[str, Any] = field(default_factory=dict)

    @property
    def if_confirmed(self) -> Mapping[str, Any] | None:
        value = self.assessment.get("if_confirmed")
        return value if isinstance(value, Mapping) else None

    @property
    def screener_version(self) -> str:
        return str((self.assessment.get("screening") or {}).get("screener_version") or "")


def from_assessment(assessment: Mapping[str, Any],
                    decided: Mapping[str, tuple[int | None, datetime]] | None = None) -> list[Suggestion]:
    """Every screened behaviour of a judgment: the open and rejected suggestions and the confirmed ones."""
    decided = decided or {}
    out: list[Suggestion] = []
    order: list[int] = []
    counted = [b for b in assessment.get("behaviours", []) or []
               if isinstance(b, Mapping) and b.get("origin") == "screened"]
    for item, status in [(b, "confirmed") for b in counted] + [
            (s, str(s.get("status", "suggested"))) for s in assessment.get("suggestions", []) or []
            if isinstance(s, Mapping)]:
        evidence = [e for e in item.get("evidence", []) or [] if isinstance(e, Mapping)]
        source = str(item.get("source") or ("rule" if any(e.get("source") == "rule" for e in evidence) else "model"))
        bid = str(item.get("id", ""))
        who = decided.get(bid)
        first = min((int(e.get("utterance_index", 0)) for e in evidence), default=1 << 30)
        order.append(first)
        out.append(Suggestion(
            behaviour_id=bid, status=status, source=source,
            score=max((float(e.get("score", 0.0)) for e in evidence), default=0.0),
            evidence=tuple(str(e.get("text", "")) for e in evidence if e.get("text")),
            label=dict(item.get("label") or {}), basis=dict(item.get("basis") or {}),
            decided_by=who[0] if who and status != "suggested" else None,
            decided_at=who[1] if who and status != "suggested" else None,
        ))
    # in the order the words were said, whatever their status, so a decision never moves a line
    return [s for _, _, s in sorted(zip(order, range(len(out)), out, strict=True), key=lambda x: (x[0], x[1]))]


def _decided(session: Session, incident_id: int) -> dict[str, tuple[int | None, datetime]]:
    """Who last decided each behaviour, and when, from the case's timeline."""
    out: dict[str, tuple[int | None, datetime]] = {}
    rows = session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id,
                                                       IncidentEvent.kind == EVENT_KIND).order_by(IncidentEvent.id))
    for event in rows:
        for bid in event.detail.get("decided", {}) or {}:
            out[str(bid)] = (event.actor_id, event.at)
    return out


def list_for(*, session: Session, actor: User, incident_id: int) -> Suggestions:
    """The case's screened suggestions from its current facts (read access, audited)."""
    incident = incident_service.load(session=session, actor=actor, incident_id=incident_id)
    audit.record(session, actor=actor, action="screening.list", target_type="incident", target_id=incident.id)
    return current(session=session, incident=incident)


def current(*, session: Session, incident: Incident) -> Suggestions:
    """The suggestions of the case as its facts stand now (no access check: the caller has made it)."""
    if not incident.facts or not incident.facts.get("utterances"):
        return Suggestions(())
    assessment = judgment_service.assess(session=session, incident=incident)
    return Suggestions(tuple(from_assessment(assessment, _decided(session, incident.id))), assessment)


def may_decide(session: Session, actor: User, incident: Incident) -> bool:
    return access.can_work(session, actor, incident) or (
        actor.id == incident.reporter_id and incident.status == "reported" and actor.role in access.REPORTERS)


@dataclass(frozen=True)
class Decision:
    incident: Incident
    suggestion: Suggestion
    judgment_id: int | None


def decide(*, session: Session, actor: User, incident_id: int, behaviour_id: str, decision: str,
           version: int | None = None) -> Decision:
    """Confirm or reject one screened behaviour of the case; a stale `version` is a 409."""
    incident = incident_service.load(session=session, actor=actor, incident_id=incident_id)
    if not may_decide(session, actor, incident):
        raise access.deny()
    choice("decision", decision, DECISIONS)
    if version is not None:
        incident_service.check_version(incident, version)
    found = {s.behaviour_id: s for s in current(session=session, incident=incident).items}
    if behaviour_id not in found:
        raise field_error("behaviour_id", f"この事案の発言から示唆された行為ではありません: {behaviour_id}",
                          f"not a behaviour the screening suggested on this case: {behaviour_id}", tuple(found))
    before = found[behaviour_id]
    facts = dict(incident.facts)
    confirmed = [b for b in facts.get("screened_confirmed", []) or [] if b != behaviour_id]
    rejected = [b for b in facts.get("screened_rejected", []) or [] if b != behaviour_id]
    (confirmed if decision == "confirm" else rejected).append(behaviour_id)
    for key, ids in (("screened_confirmed", confirmed), ("screened_rejected", rejected)):
        if ids:
            facts[key] = ids
        else:
            facts.pop(key, None)
    incident.facts = incident_service.validate_facts(
        facts, occurred_at=incident.occurred_at, channel=incident.channel, site=session.get(Site, incident.site_id))
    incident.updated_at = utcnow()
    status = "confirmed" if decision == "confirm" else "rejected"
    detail = _detail(before, status)
    incident_service.add_event(session, incident, actor, EVENT_KIND, detail={"decided": {behaviour_id: detail}})
    audit.record(session, actor=actor, action=f"screening.{decision}", target_type="incident",
                 target_id=incident.id, detail={"behaviour_id": behaviour_id, **detail})
    try:
        session.flush()
    except StaleDataError as exc:  # someone decided on this case between our read and our write
        raise ConflictError(Message("他の人が先にこの事案を更新しました。読み込み直してください",
                                    "someone else changed this case first; reload it")) from exc
    judgment_id = None
    if access.can_work(session, actor, incident) or judgment_service.latest(session=session, incident_id=incident.id):
        judgment_id = judgment_service.store(session=session, actor=actor, incident=incident).id
    after = replace(before, status=status, decided_by=actor.id, decided_at=utcnow())
    return Decision(incident, after, judgment_id)


def _detail(s: Suggestion, status: str) -> dict[str, Any]:
    from kasuhara.services.screening import screener_version

    return {"status": status, "was": s.status, "source": s.source, "score": s.score,
            "evidence": list(s.evidence), "screener_version": screener_version()}


def record_report(*, session: Session, actor: User, incident: Incident) -> Suggestions:
    """At report time: keep what the screen suggested and what the reporter decided on the case."""
    found = current(session=session, incident=incident)
    if not found.items:
        return found
    decided = {s.behaviour_id: _detail(s, s.status) for s in found.items if s.status != "suggested"}
    detail = {"suggested": {s.behaviour_id: {"source": s.source, "score": s.score, "evidence": list(s.evidence)}
                            for s in found.items},
              "decided": decided, "screener_version": found.screener_version}
    incident_service.add_event(session, incident, actor, EVENT_KIND, detail=detail)
    audit.record(session, actor=actor, action="screening.report", target_type="incident", target_id=incident.id,
                 detail=detail)
    return found
