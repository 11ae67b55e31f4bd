"""Incidents: report, read, list (filters, pages, CSV), edit, move along the workflow, timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import Field

from kasuhara.services import export, suggestions, workflow
from kasuhara.services import incidents as service
from kasuhara.store.models.incidents import CHANNELS, Incident
from kasuhara.web.api._common import ERRORS, MAX_ID, IdPath, InputSchema, Moment, Page, Schema, Text
from kasuhara.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=ERRORS)

Channel = Annotated[Text, Field(max_length=20, description="|".join(CHANNELS))]
FactsField = Annotated[dict[str, Any], Field(description="判断の事実関係 (kasuhara.judge の facts スキーマ) / judgment facts")]


class IncidentIn(InputSchema):
    site_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    occurred_at: Moment
    channel: Channel
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    summary: Annotated[Text, Field(max_length=20000)] = ""
    facts: FactsField = Field(default_factory=dict)
    customer_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None


class IncidentPatch(InputSchema):
    version: Annotated[int, Field(ge=1, le=MAX_ID, description="読み込んだ版 / the version you read")]
    site_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None
    occurred_at: Moment | None = None
    channel: Channel | None = None
    title: Annotated[Text | None, Field(min_length=1, max_length=200)] = None
    summary: Annotated[Text | None, Field(max_length=20000)] = None
    facts: dict[str, Any] | None = None
    customer_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None


class IncidentOut(Schema):
    id: int
    reporter_id: int
    site_id: int
    customer_id: int | None
    occurred_at: Moment
    channel: str
    title: str
    summary: str
    facts: dict[str, Any]
    status: str
    determination: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class IncidentDetail(IncidentOut):
    behaviours: list[str]
    next_statuses: list[str]


class TransitionIn(InputSchema):
    to: Annotated[Text, Field(max_length=20, description="|".join(workflow.STATUSES))]
    version: Annotated[int, Field(ge=1, le=MAX_ID)]
    reason: Annotated[Text, Field(max_length=5000)] = ""


class NoteIn(InputSchema):
    text: Annotated[Text, Field(min_length=1, max_length=20000)]


class EventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    kind: str
    from_status: str | None
    to_status: str | None
    reason: str
    detail: dict[str, Any]


class TransitionOut(Schema):
    source: str
    target: str
    roles: list[str]
    reason_required: bool


def _detail(session: SessionDep, incident: Incident, *, fresh: bool = False) -> IncidentDetail:
    """`fresh`: a just-created case has no judgment yet, so no behaviours to look up."""
    base = IncidentOut.model_validate(incident).model_dump()
    behaviours = [] if fresh else service.behaviours_of(session=session, incident_id=incident.id)
    return IncidentDetail(**base, behaviours=behaviours, next_statuses=list(workflow.targets_from(incident.status)))


async def _filters(
    site_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[Text | None, Query(max_length=20)] = None,
    behaviour: Annotated[Text | None, Query(max_length=60)] = None,
    determination: Annotated[Text | None, Query(max_length=40)] = None,
    occurred_from: Moment | None = None,
    occurred_to: Moment | None = None,
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    reporter_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> service.Filters:
    return service.Filters(site_id=site_id, status=status, behaviour=behaviour, determination=determination,
                           occurred_from=occurred_from, occurred_to=occurred_to, customer_id=customer_id,
                           reporter_id=reporter_id)


FiltersDep = Annotated[service.Filters, Depends(_filters)]


@router.post("", response_model=IncidentDetail, status_code=201)
def create_incident(body: IncidentIn, user: CurrentUser, session: SessionDep) -> IncidentDetail:
    """事案を報告 / report an incident (staff at their sites, supervisors, admins)."""
    incident = service.create(session=session, actor=user, **body.model_dump())
    if body.facts.get("utterances"):  # what the screen suggested at report time stays on the case
        suggestions.record_report(session=session, actor=user, incident=incident)
    session.commit()
    return _detail(session, incident, fresh=True)


@router.get("", response_model=Page[IncidentOut])
def list_incidents(
    user: CurrentUser,
    session: SessionDep,
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[IncidentOut]:
    """事案一覧 (絞り込み・ページ送り) / list incidents you may see, filtered and paginated."""
    rows, total = service.list_incidents(session=session, actor=user, filters=filters, limit=limit, offset=offset)
    session.commit()
    return Page[IncidentOut](items=[IncidentOut.model_validate(r) for r in rows], total=total, limit=limit,
                             offset=offset)


@router.get("/export.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 (BOM) CSV"}})
def export_incidents(user: CurrentUser, session: SessionDep, filters: FiltersDep) -> StreamingResponse:
    """事案一覧をCSVで出力 (Excel向けBOM付きUTF-8) / export the filtered list as CSV (UTF-8 with BOM)."""
    lines = list(export.incidents_csv(session=session, actor=user, filters=filters))
    return StreamingResponse(
        iter(lines), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="incidents.csv"'},
    )


@router.get("/workflow", response_model=list[TransitionOut])
def get_workflow(user: CurrentUser) -> list[TransitionOut]:
    """状態遷移表 / the workflow transition table."""
    return [TransitionOut(source=t.source, target=t.target, roles=sorted(t.roles), reason_required=t.reason_required)
            for t in workflow.TRANSITIONS]


@router.get("/{incident_id}", response_model=IncidentDetail)
def get_incident(incident_id: IdPath, user: CurrentUser, session: SessionDep) -> IncidentDetail:
    """事案の詳細 (閲覧は監査ログに記録) / one incident; the read is audited."""
    incident = service.read(session=session, actor=user, incident_id=incident_id)
    session.commit()
    return _detail(session, incident)


@router.patch("/{incident_id}", response_model=IncidentDetail)
def update_incident(incident_id: IdPath, body: IncidentPatch, user: CurrentUser, session: SessionDep) -> IncidentDetail:
    """事案の修正 (版の確認あり) / edit an incident; a stale `version` is a 409."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    incident = service.update(session=session, actor=user, incident_id=incident_id, version=body.version,
                              changes=changes)
    session.commit()
    return _detail(session, incident)


@router.post("/{incident_id}/transitions", response_model=IncidentDetail)
def transition_incident(incident_id: IdPath, body: TransitionIn, user: CurrentUser,
                        session: SessionDep) -> IncidentDetail:
    """状態を進める (誰が・なぜ) / move the case along the workflow, with who and why."""
    incident = service.transition(session=session, actor=user, incident_id=incident_id, to=body.to,
                                  version=body.version, reason=body.reason)
    session.commit()
    return _detail(session, incident)


@router.get("/{incident_id}/timeline", response_model=list[EventOut])
def get_timeline(incident_id: IdPath, user: CurrentUser, session: SessionDep) -> list[EventOut]:
    """経過記録 / the case timeline."""
    events = service.timeline(session=session, actor=user, incident_id=incident_id)
    session.commit()
    return [EventOut.model_validate(e) for e in events]


@router.post("/{incident_id}/timeline", response_model=EventOut, status_code=201)
def add_note(incident_id: IdPath, body: NoteIn, user: CurrentUser, session: SessionDep) -> EventOut:
    """経過メモを追加 / add a note to the timeline."""
    event = service.add_note(session=session, actor=user, incident_id=incident_id, text=body.text)
    session.commit()
    return EventOut.model_validate(event)
