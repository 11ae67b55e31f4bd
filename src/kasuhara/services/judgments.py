"""Judgments on a case: run the core judgment and keep the whole assessment as a snapshot.

The snapshot stores the facts, the company thresholds and the knowledge-base version used, so a
decision can be explained later even after the law data changed. The latest determination and
behaviour ids are copied onto the incident for filtering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from kasuhara.errors import FieldProblem, InputError
from kasuhara.services import audit, company_settings, screening
from kasuhara.services import incidents as incident_service
from kasuhara.services._util import field_error
from kasuhara.store.models.incidents import Incident, IncidentBehaviour
from kasuhara.store.models.judgments import JudgmentSnapshot
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow


def _label(value: object) -> str:
    """A determination may come as a plain id or as an object with one."""
    if isinstance(value, Mapping):
        for key in ("id", "code", "value", "level"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return str(value)


def behaviour_ids(assessment: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for item in assessment.get("behaviours", []) or []:
        ident = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(ident, str) and ident not in found:
            found.append(ident)
    return found


def assess(*, session: Session, incident: Incident) -> dict[str, Any]:
    """The judgment of the case's current facts (`Assessment.to_dict()`), not stored.

    Screening goes through `services.screening` and its version and per-utterance results are
    added under `screening`, so whatever shows or stores this judgment shows the same findings.
    Raises `InputError` naming `facts.<field>` when the stored facts no longer parse.
    """
    from kasuhara.judge import judge, parse_facts

    if not incident.facts:
        raise field_error("facts", "判断するには事実関係を入力してください", "enter the facts before judging")
    site = session.get(Site, incident.site_id)
    try:
        facts = parse_facts(incident_service.facts_for_judgment(
            incident.facts, occurred_at=incident.occurred_at, channel=incident.channel, site=site
        ))
    except InputError as exc:
        raise InputError([FieldProblem(f"facts.{p.field}", p.message, p.allowed) for p in exc.problems]) from exc
    limits = company_settings.thresholds(session=session)
    screened = screening.screen_utterances(facts.utterances)
    assessment = judge(facts, thresholds=limits, screener=screening.screener_for(screened)).to_dict()
    if facts.utterances:
        assessment["screening"].update(screened.to_dict())
    return assessment


def run(*, session: Session, actor: User, incident_id: int) -> JudgmentSnapshot:
    """Judge the case's current facts with the company's thresholds and store the snapshot."""
    incident = incident_service.load_for_work(session=session, actor=actor, incident_id=incident_id)
    return store(session=session, actor=actor, incident=incident)


def store(*, session: Session, actor: User, incident: Incident) -> JudgmentSnapshot:
    """Judge and keep the snapshot (the caller has checked the actor may); behaviours counted in the
    determination, and only those (never unconfirmed suggestions), are copied for lists and statistics."""
    assessment = assess(session=session, incident=incident)
    determination = _label(assessment.get("determination", "unknown"))[:40]
    snapshot = JudgmentSnapshot(
        incident_id=incident.id,
        created_by=actor.id,
        knowledge_base_version=str(assessment.get("knowledge_base_version", ""))[:40],
        determination=determination,
        facts=dict(incident.facts),
        thresholds=dict(assessment.get("thresholds") or {}),
        assessment=assessment,
    )
    session.add(snapshot)
    incident.determination = determination
    incident.updated_at = utcnow()
    session.execute(delete(IncidentBehaviour).where(IncidentBehaviour.incident_id == incident.id))
    ids = behaviour_ids(assessment)
    if ids:
        session.execute(insert(IncidentBehaviour), [
            {"incident_id": incident.id, "behaviour_id": b[:60], "site_id": incident.site_id} for b in ids
        ])
    session.flush()
    incident_service.add_event(session, incident, actor, "judgment",
                               detail={"judgment_id": snapshot.id, "determination": determination})
    audit.record(session, actor=actor, action="judgment.run", target_type="incident", target_id=incident.id,
                 detail={"judgment_id": snapshot.id, "determination": determination,
                         "knowledge_base_version": snapshot.knowledge_base_version,
                         "screener_version": assessment.get("screening", {}).get("screener_version")})
    return snapshot


def latest(*, session: Session, incident_id: int) -> JudgmentSnapshot | None:
    return session.scalars(select(JudgmentSnapshot).where(JudgmentSnapshot.incident_id == incident_id)
                           .order_by(JudgmentSnapshot.id.desc()).limit(1)).first()


def list_for(*, session: Session, actor: User, incident_id: int) -> list[JudgmentSnapshot]:
    incident = incident_service.load(session=session, actor=actor, incident_id=incident_id)
    audit.record(session, actor=actor, action="judgment.list", target_type="incident", target_id=incident.id)
    return list(session.scalars(
        select(JudgmentSnapshot).where(JudgmentSnapshot.incident_id == incident_id).order_by(JudgmentSnapshot.id)
    ))
