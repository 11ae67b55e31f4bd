"""Live-call pages: the operator's screen beside the softphone, and the supervisor's live board.

Both are thin shells: the page gives the call id, the CSRF token and the words of the
catalogue; `static/js/live.js` reads the call or the board from the API and follows its
server-sent events, so a new segment or an alert shows without a reload.
"""

from __future__ import annotations

import json
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kasuhara.errors import InputError
from kasuhara.services import calls as service
from kasuhara.web.api.calls import hub_of
from kasuhara.web.deps import OptionalUser, SessionDep
from kasuhara.web.pages._common import PageError, error_page, guarded, require_user
from kasuhara.web.templating import NavItem, render, translator

router = APIRouter(include_in_schema=False)
NAV_ITEMS = [
    NavItem(key="live.nav_operator", href="/live", roles=tuple(sorted(service.SCREEN_ROLES)), order=30),
    NavItem(key="live.nav_board", href="/live/board", roles=tuple(sorted(service.BOARD_ROLES)), order=31),
]
JS_KEYS = (
    "speaker.customer", "speaker.operator", "speaker.supervisor", "say", "no_prompt", "flag_reason",
    "status.live", "status.ended", "customer.banned", "customer.known", "customer.unknown", "elapsed",
    "limit", "open_alerts", "acknowledge", "join", "take_over", "end", "make_incident", "incident_made",
    "confirm_end", "taken_over", "joined", "acknowledged", "ended_by", "help_sent", "no_calls", "no_alerts",
    "open_case", "reconnecting", "error", "severity", "operator_request", "end_reason.idle",
    "end_reason.supervisor", "end_reason.ended",
)


def _messages(request: Request) -> str:
    t = translator(request)
    return json.dumps({key: t(f"live.{key}") for key in JS_KEYS}, ensure_ascii=False).replace("</", "<\\/")


@router.get("/live", response_class=HTMLResponse)
async def operator_screen(request: Request, session: SessionDep, user: OptionalUser,
                          call: str | None = None) -> Response:
    try:
        me = require_user(request, user, service.SCREEN_ROLES)
    except PageError as exc:
        return error_page(request, exc)
    email = me.email

    def sites_of() -> set[int] | None:
        try:
            return service.user_sites(session=session, user=me)
        finally:
            session.rollback()

    sites = await to_thread.run_sync(sites_of)
    calls = await hub_of(request.app).board(sites=sites)
    mine = [c for c in calls if c["operator"] == email] + [c for c in calls if c["operator"] != email]
    chosen = call if call and len(call) <= 64 else None
    if chosen is None and len(mine) == 1:
        chosen = mine[0]["call_id"]
    return render(request, "live/operator.html", {"calls": mine, "call_id": chosen, "messages": _messages(request)})


@router.get("/live/board", response_class=HTMLResponse)
def board_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    def page() -> Response:
        require_user(request, user, service.BOARD_ROLES)
        return render(request, "live/board.html", {"messages": _messages(request)})

    return guarded(request, session, page)


@router.get("/live/recordings/{evidence_id}", response_class=HTMLResponse)
def recording_page(request: Request, evidence_id: int, session: SessionDep, user: OptionalUser) -> Response:
    """A recording's loudness timeline, drawn as SVG on the server (no script needed)."""
    store = request.app.state.evidence_store

    def page() -> Response:
        me = require_user(request, user)
        try:
            result = service.recording_loudness(session=session, store=store, actor=me, evidence_id=evidence_id)
        except InputError as exc:
            return error_page(request, exc)
        session.commit()
        return render(request, "live/recording.html", {"r": result, "chart": _chart(result)})

    return guarded(request, session, page)


def _chart(result: dict[str, Any], width: int = 720, height: int = 200) -> dict[str, Any]:
    points = result["points"]
    duration = max(float(result["duration_seconds"]), 1.0)
    low, high = -70.0, 0.0

    def x(t: float) -> float:
        return round(40.0 + (width - 50) * float(t) / float(duration), 1)

    def y(db: float) -> float:
        return round(10 + (height - 30) * (high - max(low, min(high, db))) / (high - low), 1)

    line = " ".join(f"{x(p['t'])},{y(p['dbfs'])}" for p in points)
    spans = [{"x": x(a), "w": max(2.0, x(b) - x(a))} for a, b in result["shouting"]]
    baseline = result["baseline_dbfs"]
    ticks = [{"y": y(v), "label": str(int(v))} for v in (-60, -40, -20, 0)]
    return {"width": width, "height": height, "line": line, "spans": spans, "ticks": ticks,
            "baseline_y": y(baseline) if baseline is not None else None, "bottom": height - 20}
