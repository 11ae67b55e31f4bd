"""Incidents: report, read, list, change and move a case; every read and write is audited."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, func, insert, select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Session

from kasuhara.errors import ConflictError, FieldProblem, InputError, Message
from kasuhara.services import access, audit, workflow
from kasuhara.services._util import choice, field_error, required_text
from kasuhara.store.models.customers import Customer
from kasuhara.store.models.incidents import CHANNELS, Incident, IncidentBehaviour, IncidentEvent
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow

JST = ZoneInfo("Asia/Tokyo")


def as_aware(moment: datetime) -> datetime:
    """Times without a zone are taken as Japan time (that is what a clerk types)."""
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment


def facts_for_judgment(facts: Mapping[str, Any], *, occurred_at: datetime, channel: str,
                       site: Site | None) -> dict[str, Any]:
    """The stored facts completed from the case itself: when, which channel, where (the site)."""
    merged: dict[str, Any] = {"occurred_at": as_aware(occurred_at).isoformat(), "channel": channel}
    if site is not None and site.prefecture_code:
        location = {"prefecture": site.prefecture_code}
        if site.municipality_code:
            location["municipality"] = site.municipality_code
        merged["location"] = location
    merged.update(facts)
    return merged


def validate_facts(facts: Mapping[str, Any], *, occurred_at: datetime, channel: str,
                   site: Site | None) -> dict[str, Any]:
    """Checked against the judgment's schema (completed from the case); problems name `facts.<field>`."""
    _check_json(facts, "facts")
    if not facts:
        return {}
    from kasuhara.judge import parse_facts

    try:
        parse_facts(facts_for_judgment(facts, occurred_at=occurred_at, channel=channel, site=site))
    except InputError as exc:
        raise InputError([FieldProblem(f"facts.{p.field}", p.message, p.allowed) for p in exc.problems]) from exc
    return dict(facts)


def _check_json(value: object, path: str, depth: int = 0) -> None:
    if depth > 20:
        raise field_error(path, "入れ子が深すぎます", "nested too deeply")
    if isinstance(value, float) and not math.isfinite(value):
        raise field_error(path, "数値が不正です", "not a finite number")
    if isinstance(value, str):
        _check_text(value, path)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_text(str(key), path)
            _check_json(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}.{index}", depth + 1)


def _check_text(value: str, path: str) -> None:
    if "\x00" in value:
        raise field_error(path, "NUL文字は使えません", "NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise field_error(path, "文字として不正です", "not valid Unicode text") from exc


def _check_site(session: Session, actor: User, site_id: int) -> Site:
    site = session.get(Site, site_id)
    if site is None or not site.is_active:
        raise field_error("site_id", "拠点が見つかりません", "unknown or inactive site")
    if actor.role in {"staff", "supervisor"} and site_id not in access.site_ids(session, actor):
        raise field_error("site_id", "所属していない拠点です", "you do not belong to this site")
    if access.token_site(actor) not in (None, site_id):
        raise field_error("site_id", "このAPIトークンは別の拠点用です", "this API token is for another site")
    return site


def _check_customer(session: Session, customer_id: int | None) -> None:
    if customer_id is not None and session.get(Customer, customer_id) is None:
        raise field_error("customer_id", "顧客が見つかりません", "unknown customer")


def _check_time(occurred_at: datetime) -> datetime:
    moment = as_aware(occurred_at)
    if moment > utcnow() + timedelta(days=1):
        raise field_error("occurred_at", "未来の日時は指定できません", "must not be in the future")
    if moment.year < 1990:
        raise field_error("occurred_at", "日時が古すぎます", "too far in the past")
    return moment


_INSERT_EVENT = insert(cast(Table, IncidentEvent.__table__))


def add_event(session: Session, incident: Incident, actor: User | None, kind: str, *, reason: str = "",
              from_status: str | None = None, to_status: str | None = None,
              detail: Mapping[str, Any] | None = None) -> IncidentEvent:
    event = IncidentEvent(incident_id=incident.id, actor_id=actor.id if actor else None, kind=kind,
                          reason=reason, from_status=from_status, to_status=to_status, detail=dict(detail or {}))
    session.add(event)
    return event


def create(
    *,
    session: Session,
    actor: User,
    site_id: int,
    occurred_at: datetime,
    channel: str,
    title: str,
    summary: str = "",
    facts: Mapping[str, Any] | None = None,
    customer_id: int | None = None,
) -> Incident:
    access.require_role(actor, access.REPORTERS)
    site = _check_site(session, actor, site_id)
    choice("channel", channel, CHANNELS)
    _check_customer(session, customer_id)
    moment = _check_time(occurred_at)
    incident = Incident(
        reporter_id=actor.id, site_id=site_id, occurred_at=moment, channel=channel,
        title=required_text("title", title), summary=summary,
        facts=validate_facts(facts or {}, occurred_at=moment, channel=channel, site=site),
        customer_id=customer_id, status="reported",
    )
    session.add(incident)
    session.flush()
    # The "created" line goes in by Core on the same connection: nothing in this request reads it
    # back as an object, and an ORM flush of it costs more than the INSERT itself.
    session.connection().execute(_INSERT_EVENT, {
        "incident_id": incident.id, "at": utcnow(), "actor_id": actor.id, "kind": "created", "reason": "",
        "from_status": None, "to_status": "reported", "detail": {},
    })
    audit.record(session, actor=actor, action="incident.create", target_type="incident", target_id=incident.id,
                 detail={"site_id": site_id, "channel": channel})
    return incident


def load(*, session: Session, actor: User, incident_id: int, for_update: bool = False) -> Incident:
    """The incident if the actor may read it; otherwise the same 403 whether or not it exists."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        if actor.role in access.READ_ALL:
            from kasuhara.services._util import get_or_404

            get_or_404(session, Incident, incident_id, "事案", "incident")
        raise access.deny()
    if not access.can_read(session, actor, incident):
        raise access.deny()
    return incident


def load_for_work(*, session: Session, actor: User, incident_id: int) -> Incident:
    incident = load(session=session, actor=actor, incident_id=incident_id)
    if not access.can_work(session, actor, incident):
        raise access.deny()
    return incident


def read(*, session: Session, actor: User, incident_id: int) -> Incident:
    incident = load(session=session, actor=actor, incident_id=incident_id)
    audit.record(session, actor=actor, action="incident.read", target_type="incident", target_id=incident.id)
    return incident


def behaviours_of(*, session: Session, incident_id: int) -> list[str]:
    return list(session.scalars(
        select(IncidentBehaviour.behaviour_id).where(IncidentBehaviour.incident_id == incident_id)
        .order_by(IncidentBehaviour.behaviour_id)
    ))


def check_version(incident: Incident, expected: int) -> None:
    if incident.version != expected:
        raise ConflictError(Message(
            f"他の人が先に更新しました (現在の版 {incident.version})。読み込み直してください",
            f"someone else changed this case (current version {incident.version}); reload it",
        ))


NOT_NULL_FIELDS = frozenset({"title", "summary", "occurred_at", "channel", "site_id", "facts"})
"""Fields an edit may change but never clear (`customer_id` may be set to null: no known customer)."""


def update(*, session: Session, actor: User, incident_id: int, version: int,
           changes: Mapping[str, Any]) -> Incident:
    """Edit the report: whoever works the case, or the reporter while it is still `reported`."""
    incident = load(session=session, actor=actor, incident_id=incident_id)
    own_fresh = actor.id == incident.reporter_id and incident.status == "reported"
    if not (access.can_work(session, actor, incident) or own_fresh):
        raise access.deny()
    check_version(incident, version)
    applied: list[str] = []
    for key, value in changes.items():
        if value is None and key in NOT_NULL_FIELDS:
            raise field_error(key, "この項目は空 (null) にできません", "this field cannot be null")
        if key == "title":
            incident.title = required_text("title", value)
        elif key == "summary":
            incident.summary = value
        elif key == "channel":
            incident.channel = choice("channel", value, CHANNELS)
        elif key == "occurred_at":
            incident.occurred_at = _check_time(value)
        elif key == "facts":
            incident.facts = validate_facts(
                value, occurred_at=changes.get("occurred_at") or incident.occurred_at,
                channel=changes.get("channel") or incident.channel, site=session.get(Site, incident.site_id),
            )
        elif key == "customer_id":
            _check_customer(session, value)
            incident.customer_id = value
        elif key == "site_id":
            _check_site(session, actor, value)
            incident.site_id = value
            session.execute(
                sa_update(IncidentBehaviour).where(IncidentBehaviour.incident_id == incident.id).values(site_id=value)
            )
        else:
            continue
        applied.append(key)
    incident.updated_at = utcnow()
    add_event(session, incident, actor, "updated", detail={"fields": applied})
    audit.record(session, actor=actor, action="incident.update", target_type="incident", target_id=incident.id,
                 detail={"fields": applied})
    session.flush()
    return incident


def transition(*, session: Session, actor: User, incident_id: int, to: str, version: int,
               reason: str = "") -> Incident:
    """Move the case along the workflow table; a stale `version` is a 409, never a lost update."""
    incident = load_for_work(session=session, actor=actor, incident_id=incident_id)
    check_version(incident, version)
    step = workflow.find(incident.status, to)
    if step is None:
        raise field_error("to", f"「{incident.status}」からこの状態へは移れません",
                          f"cannot move from '{incident.status}' to this status",
                          workflow.targets_from(incident.status))
    if actor.role not in step.roles:
        raise access.deny()
    if step.reason_required and not reason.strip():
        raise field_error("reason", "この変更には理由が必要です", "this change needs a reason")
    source = incident.status
    incident.status = to
    incident.updated_at = utcnow()
    add_event(session, incident, actor, "transition", from_status=source, to_status=to, reason=reason.strip())
    audit.record(session, actor=actor, action="incident.transition", target_type="incident",
                 target_id=incident.id, detail={"from": source, "to": to, "reason": reason.strip()})
    session.flush()
    return incident


def add_note(*, session: Session, actor: User, incident_id: int, text: str) -> IncidentEvent:
    incident = load(session=session, actor=actor, incident_id=incident_id)
    if not access.can_attach(session, actor, incident):
        raise access.deny()
    event = add_event(session, incident, actor, "note", reason=required_text("text", text))
    session.flush()
    audit.record(session, actor=actor, action="incident.note", target_type="incident", target_id=incident.id,
                 detail={"event_id": event.id})
    return event


def timeline(*, session: Session, actor: User, incident_id: int) -> list[IncidentEvent]:
    incident = load(session=session, actor=actor, incident_id=incident_id)
    audit.record(session, actor=actor, action="incident.timeline_read", target_type="incident",
                 target_id=incident.id)
    return list(session.scalars(
        select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
    ))


@dataclass(frozen=True)
class Filters:
    site_id: int | None = None
    status: str | None = None
    behaviour: str | None = None
    determination: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    customer_id: int | None = None
    reporter_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items() if v is not None and k != "extra"}


def filtered(session: Session, actor: User, filters: Filters) -> Select[Incident]:
    stmt = select(Incident).where(access.visible_clause(session, actor))
    if filters.status is not None:
        stmt = stmt.where(Incident.status == choice("status", filters.status, workflow.STATUSES))
    if filters.site_id is not None:
        stmt = stmt.where(Incident.site_id == filters.site_id)
    if filters.determination is not None:
        stmt = stmt.where(Incident.determination == filters.determination)
    if filters.customer_id is not None:
        stmt = stmt.where(Incident.customer_id == filters.customer_id)
    if filters.reporter_id is not None:
        stmt = stmt.where(Incident.reporter_id == filters.reporter_id)
    if filters.occurred_from is not None:
        stmt = stmt.where(Incident.occurred_at >= as_aware(filters.occurred_from))
    if filters.occurred_to is not None:
        stmt = stmt.where(Incident.occurred_at < as_aware(filters.occurred_to))
    if filters.behaviour is not None:
        having = select(IncidentBehaviour.incident_id).where(IncidentBehaviour.behaviour_id == filters.behaviour)
        if filters.site_id is not None:
            having = having.where(IncidentBehaviour.site_id == filters.site_id)
        stmt = stmt.where(Incident.id.in_(having))
    return stmt


def list_incidents(*, session: Session, actor: User, filters: Filters, limit: int = 50,
                   offset: int = 0) -> tuple[list[Incident], int]:
    stmt = filtered(session, actor, filters)
    total = session.scalar(stmt.with_only_columns(func.count(Incident.id)).order_by(None)) or 0
    rows = session.scalars(
        stmt.order_by(Incident.occurred_at.desc(), Incident.id.desc()).limit(limit).offset(offset)
    ).all()
    audit.record(session, actor=actor, action="incident.list", target_type="incident", target_id="*",
                 detail={"filters": filters.to_dict(), "returned": len(rows), "ids": [r.id for r in rows]})
    return list(rows), int(total)
