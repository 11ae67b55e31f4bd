"""Live calls: intake from speech-to-text (WebSocket and HTTP batch), the board, the operator's feed.

Integrations authenticate with a bearer token allowed `calls:write` and send `call.start`,
segments `{speaker, text, start, end, is_final, seq}`, optional 16 kHz mono 16-bit PCM audio
frames (WebSocket binary messages) and `call.end`. Every accepted input is acknowledged; a
client that lost its connection sends `call.start` again, learns `last_seq`, and resends the
rest. Supervisors follow `/calls/events` (server-sent events), operators `/calls/{id}/events`;
both resume after a reconnect from `Last-Event-ID` without losing an event.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Header, Path, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse
from pydantic import Field

from kasuhara import live
from kasuhara.calls_bus import HEARTBEAT, Delivered, make_bus
from kasuhara.calls_bus.base import BusUnavailableError
from kasuhara.errors import InputError, KasuharaError, Message, PermissionDeniedError
from kasuhara.live.model import CALL_ID_CHARS, CallState, field_problem
from kasuhara.services import access
from kasuhara.services import calls as service
from kasuhara.services.call_hub import Actor, CallHub
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, InputSchema, Schema, Text
from kasuhara.web.deps import CurrentUser, EvidenceStoreDep, SessionDep, SettingsDep
from kasuhara.web.errors import status_for
from kasuhara.web.security import bearer_token

router = APIRouter(prefix="/calls", tags=["calls"], responses=ERRORS)
CallId = Annotated[str, Path(min_length=1, max_length=CALL_ID_CHARS, pattern=r"^[A-Za-z0-9_.:\-]+$")]
MAX_MESSAGE_CHARS = 16_384
BOARD_TYPES = frozenset({"call.start", "alert", "decision", "call.end"})
NO_SCOPE = Message("このトークンには calls:write の権限がありません", "this token is not allowed calls:write")


def hub_of(app: Any) -> CallHub:
    """The app's call hub, made on first use (the bus is chosen by `live_broker_url`)."""
    hub: CallHub | None = getattr(app.state, "call_hub", None)
    if hub is None:
        hub = CallHub(bus=make_bus(app.state.settings.live_broker_url), session_factory=app.state.session_factory)
        app.state.call_hub = hub
    return hub


def error_body(exc: KasuharaError) -> dict[str, Any]:
    """The same body the HTTP error handler gives, for WebSocket and batch replies."""
    if isinstance(exc, BusUnavailableError):
        return {"status": 503, "detail": f"{exc.message.ja} / {exc.message.en}", "msg_ja": exc.message.ja,
                "msg_en": exc.message.en}
    if isinstance(exc, InputError):
        return {"status": 422, "detail": [{"loc": p.field.split("."), "msg": p.message.ja, "msg_ja": p.message.ja,
                                           "msg_en": p.message.en, "allowed": list(p.allowed)} for p in exc.problems]}
    return {"status": status_for(exc), "detail": f"{exc.message.ja} / {exc.message.en}",
            "msg_ja": exc.message.ja, "msg_en": exc.message.en}


def _require_writer(request: Request, session: Any, settings: Any, user: User) -> Actor:
    actor = Actor.of(user)
    token = bearer_token(request)
    row = service.token_and_user(session=session, token=token, secret_key=settings.secret_key) if token else None
    allowed = service.token_has_scope(row[0] if row else None, user, "calls:write")
    session.rollback()  # SQLite: the hub opens sessions of its own next (nothing read after this)
    if not allowed:
        raise PermissionDeniedError(NO_SCOPE)
    return actor


# --- intake: HTTP batch ------------------------------------------------------------------------

class BatchIn(InputSchema):
    events: Annotated[list[dict[str, Any]], Field(max_length=500, description=(
        "順に適用する入力 / inputs applied in order: `{type: call.start, site_id, operator, channel, "
        "customer_identifier}`, `{type: segment, speaker, text, start, end, is_final, seq}`, `{type: call.end}`"))]


class BatchOut(Schema):
    call_id: str
    status: str
    last_seq: int
    version: int
    resumed: bool = False


def _split(events: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[live.Segment], bool]:
    start: dict[str, Any] | None = None
    segments: list[live.Segment] = []
    ending = False
    problems = []
    for index, item in enumerate(events):
        kind = item.get("type", "segment") if isinstance(item, dict) else None
        try:
            if kind == "call.start" and index == 0:
                start = item
            elif kind == "segment" and not ending:
                segments.append(live.parse_segment(item, path=f"events.{index}"))
            elif kind == "call.end" and index == len(events) - 1:
                ending = True
            else:
                raise InputError([field_problem(f"events.{index}.type", (
                    "call.start は先頭、call.end は末尾、その間は segment だけです"),
                    "call.start may only come first, call.end last, segments in between",
                    ("call.start", "segment", "call.end"))])
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return start, segments, ending


@router.post("/{call_id}/events", response_model=BatchOut)
async def post_events(call_id: CallId, body: BatchIn, request: Request, user: CurrentUser, session: SessionDep,
                      settings: SettingsDep) -> BatchOut:
    """区間をまとめて送る (calls:write) / send a batch of inputs for one call (all or none).

    The same inputs stream over the WebSocket `/api/v1/calls/{call_id}/stream` (bearer token with
    `calls:write` in the `Authorization` header): JSON text messages `call.start`, `segment`, `audio
    {start}`, `call.end`, and binary 16 kHz mono 16-bit PCM frames of at most 64,000 bytes. Each is
    answered with `started {resumed, last_seq}`, `ack {seq}`, `ended` or `error {status, detail}`;
    after a reconnect, `call.start` again returns `last_seq` and the client resends what follows.
    See docs/live.md.
    """
    actor = await to_thread.run_sync(_require_writer, request, session, settings, user)
    start, segments, ending = _split(body.events)
    hub = hub_of(request.app)
    resumed = False
    if start is not None:
        info = live.parse_call_start({k: v for k, v in start.items() if k != "type"}, path="events.0")
        _, resumed = await hub.start(actor=actor, call_id=call_id, info=info)
    else:
        await hub.ensure_started()
    state = await hub.segments(call_id=call_id, segments=segments)
    if ending:
        state = await hub.end(call_id=call_id)
    return BatchOut(call_id=call_id, status=state.status, last_seq=state.last_seq, version=state.version,
                    resumed=resumed)


# --- intake: WebSocket -------------------------------------------------------------------------

async def _ws_user(websocket: WebSocket) -> tuple[Actor | None, Message | None]:
    header = websocket.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, Message("Authorization: Bearer <トークン> が必要です", "send Authorization: Bearer <token>")
    app = websocket.app

    def look_up() -> tuple[Actor | None, Message | None]:
        with contextlib.closing(app.state.session_factory()) as session:
            found = service.token_and_user(session=session, token=token.strip(),
                                           secret_key=app.state.settings.secret_key)
            if found is None:
                session.rollback()
                return None, Message("APIトークンが無効です", "invalid API token")
            row, user = found
            allowed = service.token_has_scope(row, user, "calls:write")
            actor = Actor.of(user)
            session.rollback()
            return (actor, None) if allowed else (None, NO_SCOPE)

    return await to_thread.run_sync(look_up)


@router.websocket("/{call_id}/stream")
async def stream(websocket: WebSocket, call_id: str) -> None:
    """One call's live input. JSON text messages (`call.start`, `segment`, `audio`, `call.end`)
    and binary audio frames; each is answered with `ack` (or `started`, `ended`) or `error`."""
    await websocket.accept()
    user, problem = await _ws_user(websocket)
    if user is None:
        assert problem is not None
        await websocket.send_json({"type": "error", "status": 401, "msg_ja": problem.ja, "msg_en": problem.en,
                                   "detail": f"{problem.ja} / {problem.en}"})
        await websocket.close(code=4401)
        return
    hub = hub_of(websocket.app)
    await hub.ensure_started()
    audio_at = 0.0
    try:
        live.check_call_id(call_id)
    except InputError as exc:
        await websocket.send_json({"type": "error", **error_body(exc)})
        await websocket.close(code=4422)
        return
    while True:
        try:
            message = await websocket.receive()
        except WebSocketDisconnect:
            return
        if message["type"] == "websocket.disconnect":
            return
        reply: dict[str, Any]
        try:
            if message.get("bytes") is not None:
                frame: bytes = message["bytes"]
                state = await hub.audio(call_id=call_id, frame=frame, at=audio_at)
                audio_at += len(frame) / 2 / 16_000
                reply = {"type": "ack", "audio_at": round(audio_at, 3), "version": state.version}
            else:
                reply, audio_at = await _text_message(hub, user, call_id, message.get("text") or "", audio_at)
        except KasuharaError as exc:
            reply = {"type": "error", **error_body(exc)}
        await websocket.send_json(reply)
        if reply["type"] == "ended":
            await websocket.close()
            return


async def _text_message(hub: CallHub, user: Actor, call_id: str, text: str,
                        audio_at: float) -> tuple[dict[str, Any], float]:
    if len(text) > MAX_MESSAGE_CHARS:
        raise InputError([field_problem("message", f"メッセージが大きすぎます (上限 {MAX_MESSAGE_CHARS} 文字)",
                                          f"message too large (limit {MAX_MESSAGE_CHARS} characters)")])
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError([field_problem("message", "JSONとして読めません", "not valid JSON")]) from exc
    if not isinstance(data, dict):
        raise InputError([field_problem("message", "オブジェクトが必要です", "must be an object")])
    kind = data.get("type", "segment")
    if kind == "call.start":
        info = live.parse_call_start({k: v for k, v in data.items() if k not in ("type", "call_id")})
        state, resumed = await hub.start(actor=user, call_id=call_id, info=info)
        return {"type": "started", "call_id": call_id, "resumed": resumed, "last_seq": state.last_seq,
                "version": state.version}, audio_at
    if kind == "segment":
        segment = live.parse_segment(data)
        state = await hub.segments(call_id=call_id, segments=[segment])
        return {"type": "ack", "seq": state.last_seq, "version": state.version}, audio_at
    if kind == "audio":
        start = data.get("start")
        if isinstance(start, bool) or not isinstance(start, int | float) or start < 0:
            raise InputError([field_problem("start", "0以上の秒数が必要です", "must be a number of seconds, at least 0")])
        return {"type": "ack", "audio_at": float(start)}, float(start)
    if kind == "call.end":
        state = await hub.end(call_id=call_id)
        return {"type": "ended", "call_id": call_id, "version": state.version}, audio_at
    raise InputError([field_problem("type", "不明な種類です", "unknown message type",
                                      ("call.start", "segment", "audio", "call.end"))])


# --- the board, the operator's screen ----------------------------------------------------------

def _sse(item: Delivered) -> bytes:
    return f"id: {item.id}\nevent: {item.event.get('type', 'message')}\ndata: {item.json()}\n\n".encode()


async def _follow(hub: CallHub, last_event_id: str | None, keep: Any) -> AsyncIterator[bytes]:
    """The feed: a keep-alive comment on each heartbeat of the hub's clock, else the events.

    No timer per stream: each event reaches the socket in as few turns of the event loop as possible.
    """
    sub = await hub.bus.subscribe(after=last_event_id, keep=keep)
    try:
        yield b"retry: 1000\n\n"
        while (item := await sub.get()) is not None:
            yield b": keep-alive\n\n" if item is HEARTBEAT else _sse(item)
        # None: fell behind; the browser reconnects with Last-Event-ID and replays
    finally:
        hub.bus.unsubscribe(sub)


def _event_stream(body: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(body, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/events", response_class=StreamingResponse)
async def board_events(request: Request, user: CurrentUser, session: SessionDep,
                       last_event_id: Annotated[str | None, Header(max_length=40)] = None) -> StreamingResponse:
    """責任者のライブボード (SSE): 拠点の通話の開始・警告・決定・終了 / the supervisor's live feed."""
    access.require_role(user, service.BOARD_ROLES)
    sites = await to_thread.run_sync(lambda: service.user_sites(session=session, user=user))
    session.rollback()
    hub = hub_of(request.app)
    await hub.ensure_started()

    def keep(event: dict[str, Any]) -> bool:
        return event.get("type") in BOARD_TYPES and (sites is None or event.get("site_id") in sites)

    return _event_stream(_follow(hub, last_event_id, keep))


class CallOut(Schema):
    call_id: str
    site_id: int
    operator: str
    channel: str
    status: str
    customer_status: str
    started_at: float
    duration_seconds: float
    time_limit_seconds: int
    risk: int
    alerts: int
    open_alerts: int
    end_reason: str
    taken_over_by: str
    last_alert: dict[str, Any] | None = None
    incident_id: int | None = None


class BoardOut(Schema):
    live: list[CallOut]
    ended: list[CallOut]


def _ended_out(row: Any) -> CallOut:
    state = CallState.from_dict(row.state) if row.state else None
    return CallOut(call_id=row.call_id, site_id=row.site_id, operator=row.operator, channel=row.channel,
                   status="ended", customer_status=row.customer_status, started_at=row.started_at.timestamp(),
                   duration_seconds=row.duration_seconds,
                   time_limit_seconds=state.time_limit_seconds if state else 0, risk=state.risk() if state else 0,
                   alerts=row.alerts_count, open_alerts=0, end_reason=row.end_reason,
                   taken_over_by=state.taken_over_by if state else "",
                   last_alert=state.alerts[-1] if state and state.alerts else None, incident_id=row.incident_id)


@router.get("", response_model=BoardOut)
async def board(request: Request, user: CurrentUser, session: SessionDep) -> BoardOut:
    """拠点のライブ通話 (危険度の高い順) と直近に終わった通話 / live calls, riskiest first, and recent ones."""
    access.require_role(user, service.BOARD_ROLES)

    def load() -> tuple[set[int] | None, list[CallOut]]:
        sites = service.user_sites(session=session, user=user)
        ended = [_ended_out(r) for r in service.ended_calls(session=session, actor=user)]
        session.rollback()
        return sites, ended

    sites, ended = await to_thread.run_sync(load)
    rows = await hub_of(request.app).board(sites=sites)
    return BoardOut(live=[CallOut(**{k: v for k, v in r.items() if k in CallOut.model_fields}) for r in rows],
                    ended=ended)


class PolicyIn(InputSchema):
    policy: dict[str, Any]


@router.get("/policy")
async def get_policy(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """警告ポリシー (何が何を起こすか) / the alert policy: what raises what."""
    access.require_role(user, frozenset({"supervisor", "admin", "auditor"}))
    result = await to_thread.run_sync(lambda: service.policy(session=session).to_dict())
    session.rollback()
    return result


@router.put("/policy")
async def put_policy(body: PolicyIn, request: Request, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """警告ポリシーの変更 (管理者) / change the alert policy (admins)."""
    def save() -> dict[str, Any]:
        policy = service.update_policy(session=session, actor=user, data=body.policy)
        session.commit()
        return policy.to_dict()

    result = await to_thread.run_sync(save)
    hub_of(request.app).forget_policy()
    return result


@router.get("/recordings/{evidence_id}/loudness")
def recording_loudness(evidence_id: Annotated[int, Path(ge=1, le=2**31 - 1)], user: CurrentUser, session: SessionDep,
                       store: EvidenceStoreDep) -> dict[str, Any]:
    """録音 (WAV・FLAC) の音量の推移と大声の区間 / a recording's loudness timeline and shouting spans."""
    result = service.recording_loudness(session=session, store=store, actor=user, evidence_id=evidence_id)
    session.commit()  # the audited read
    return result


@router.get("/{call_id}")
async def read_call(call_id: CallId, request: Request, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """通話の状態と文字起こし / a call's state and transcript (live, or from its record once ended)."""
    hub = hub_of(request.app)
    await hub.ensure_started()
    state = await hub.bus.load_full(call_id)
    if state is not None:
        state = await hub.read(actor=Actor.of(user), call_id=call_id)
        out = state.to_dict()
        out["incident_id"] = None
        return out

    def stored() -> dict[str, Any]:
        try:
            row = service.stored_call(session=session, actor=user, call_id=call_id)
            return {**row.state, "incident_id": row.incident_id, "status": "ended" if row.ended_at else "live"}
        finally:
            session.rollback()  # SQLite: end the read here, on the thread that began it

    return await to_thread.run_sync(stored)


@router.get("/{call_id}/events", response_class=StreamingResponse)
async def call_events(call_id: CallId, request: Request, user: CurrentUser,
                      last_event_id: Annotated[str | None, Header(max_length=40)] = None) -> StreamingResponse:
    """担当者の画面 (SSE): この通話の文字起こし・注意・次に言うこと / the operator's live feed of one call."""
    hub = hub_of(request.app)
    await hub.read(actor=Actor.of(user), call_id=call_id)
    return _event_stream(_follow(hub, last_event_id, lambda e: e.get("call_id") == call_id))


class DecisionIn(InputSchema):
    action: Annotated[Literal["acknowledge", "join", "take_over", "end"], Field(description="acknowledge|join|take_over|end")]
    alert_id: Annotated[Text | None, Field(max_length=100)] = None
    note: Annotated[Text, Field(max_length=500)] = ""


@router.post("/{call_id}/decisions", response_model=CallOut)
async def decide(call_id: CallId, body: DecisionIn, request: Request, user: CurrentUser) -> CallOut:
    """責任者の決定 (確認・参加・交代・終了)、監査ログに記録 / a supervisor's decision, audited."""
    state = await hub_of(request.app).decide(actor=Actor.of(user), call_id=call_id, action=body.action,
                                             alert_id=body.alert_id, note=body.note)
    return CallOut(**{k: v for k, v in state.summary(state.last_activity_at).items() if k in CallOut.model_fields})


@router.post("/{call_id}/help", response_model=CallOut)
async def call_supervisor(call_id: CallId, request: Request, user: CurrentUser) -> CallOut:
    """担当者が責任者を呼ぶ / the operator calls the supervisor in."""
    state = await hub_of(request.app).call_supervisor(actor=Actor.of(user), call_id=call_id)
    return CallOut(**{k: v for k, v in state.summary(state.last_activity_at).items() if k in CallOut.model_fields})


class IncidentOut(Schema):
    incident_id: int
    evidence_id: int
    sha256: str
    judgment_id: int | None


@router.post("/{call_id}/incident", response_model=IncidentOut, status_code=201)
def to_incident(call_id: CallId, user: CurrentUser, session: SessionDep, store: EvidenceStoreDep,
                settings: SettingsDep) -> IncidentOut:
    """終わった通話を事案にする (文字起こしを証拠に) / make the ended call a case, transcript as evidence."""
    made = service.make_incident(session=session, store=store, actor=user, call_id=call_id,
                                 max_bytes=settings.max_upload_bytes)
    try:
        session.commit()
    except BaseException:
        session.rollback()
        store.delete(made.storage_key)
        raise
    return IncidentOut(incident_id=made.incident.id, evidence_id=made.evidence_id, sha256=made.sha256,
                       judgment_id=made.judgment_id)

