"""Live calls on the store: who may stream, the call's context, its row, the policy, the incident.

Synchronous use cases (keyword-only, typed results) the call hub (`services.call_hub`) runs in a
worker thread: none of them is on the per-segment path, which touches no database.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.errors import ConflictError, FieldProblem, InputError, Message, NotFoundError
from kasuhara.live.model import CallInfo, CallState
from kasuhara.live.policy import LivePolicy, default_policy, default_policy_data, policy_from_mapping
from kasuhara.services import access, audit, offenders
from kasuhara.services import company_settings as settings_service
from kasuhara.services import evidence as evidence_service
from kasuhara.services import incidents as incident_service
from kasuhara.services import judgments as judgment_service
from kasuhara.services.auth import keyed_hash
from kasuhara.store.blobs import EvidenceStore
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.live import LiveCall, LivePolicyRow
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import ApiToken, User
from kasuhara.store.types import utcnow

JST = ZoneInfo("Asia/Tokyo")
SCOPE_ROLES: dict[str, frozenset[str]] = {
    "calls:write": frozenset({"staff", "supervisor", "admin"}),
    "calls:read": frozenset({"staff", "supervisor", "admin"}),
}
BOARD_ROLES = frozenset({"supervisor", "admin"})
SCREEN_ROLES = frozenset({"staff", "supervisor", "admin"})
MAX_INCIDENT_UTTERANCES = 400
END_REASONS = {"ended": "通話終了", "idle": "無音のため自動で終了", "supervisor": "責任者の判断で終了"}


def token_has_scope(token: ApiToken | None, user: User, scope: str) -> bool:
    """Whether a bearer token may do `scope`: the token must carry the scope, be unexpired, and its
    user's role must allow it (`SCOPE_ROLES`): a token never does more than its user may."""
    if user.role not in SCOPE_ROLES.get(scope, frozenset()):
        return False
    if token is not None:
        expires = getattr(token, "expires_at", None)
        if isinstance(expires, datetime) and expires.replace(tzinfo=expires.tzinfo or UTC) <= utcnow():
            return False
        scopes = getattr(token, "scopes", None)
        if scopes is not None:
            return scope in scopes
    return True


def token_and_user(*, session: Session, token: str, secret_key: str) -> tuple[ApiToken, User] | None:
    """The token row and its active user (the WebSocket has no request dependency to do this)."""
    row = session.execute(
        select(ApiToken, User).join(User, ApiToken.user_id == User.id).where(
            ApiToken.token_hash == keyed_hash(secret_key, token), ApiToken.revoked_at.is_(None),
            User.is_active.is_(True))
    ).first()
    return None if row is None else (row[0], row[1])


def user_sites(*, session: Session, user: User) -> set[int] | None:
    """The sites whose calls the user sees; None = every site (admin)."""
    return None if user.role == "admin" else access.site_ids(session, user)


# --- policy -----------------------------------------------------------------------------------

def _known_behaviours() -> frozenset[str]:
    from kasuhara.knowledge import load_knowledge_base

    return frozenset(b.id for b in load_knowledge_base().behaviours)


def policy(*, session: Session) -> LivePolicy:
    """The company's alert policy, or the packaged default when none was set."""
    row = session.get(LivePolicyRow, 1)
    if row is None or not row.policy:
        return default_policy()
    return policy_from_mapping(row.policy, known_behaviours=_known_behaviours())


def update_policy(*, session: Session, actor: User, data: dict[str, Any]) -> LivePolicy:
    """Replace the policy (admins); missing top-level keys keep the packaged defaults."""
    access.require_role(actor, frozenset({"admin"}))
    merged = {**default_policy_data(), **data}
    checked = policy_from_mapping(merged, known_behaviours=_known_behaviours())
    row = session.get(LivePolicyRow, 1)
    if row is None:
        row = LivePolicyRow(id=1, policy={})
        session.add(row)
    row.policy = checked.to_dict()
    row.updated_at = utcnow()
    row.updated_by = actor.id
    audit.record(session, actor=actor, action="calls.policy_update", target_type="live_policy", target_id=1,
                 detail={"rules": [r.id for r in checked.rules]})
    return checked


# --- the call's context at call.start -----------------------------------------------------------

@dataclass(frozen=True)
class StartContext:
    customer_status: str
    customer_id: int | None
    time_limit_seconds: int
    policy: LivePolicy


def _japan_today() -> date:
    return datetime.now(JST).date()


def customer_status(*, session: Session, identifier: str) -> tuple[str, int | None]:
    """`banned` (an active ban in the repeat-offender records), `known` (earlier cases) or `unknown`."""
    if not identifier:
        return "unknown", None
    from kasuhara.desk.identifiers import guess_kind

    kind = guess_kind(identifier)
    try:
        found = offenders.find_customers(session, kind=kind, value=identifier)
    except InputError:
        return "unknown", None
    if not found:
        return "unknown", None
    group: set[int] = set()
    for customer in found:
        group |= offenders.linked_group(session, customer.id)
    facts = offenders.history_facts(session, group, _japan_today())
    first = min(c.id for c in found)
    if facts.active_ban:
        return "banned", first
    has_cases = session.scalar(select(Incident.id).where(Incident.customer_id.in_(group)).limit(1)) is not None
    return ("known" if has_cases or facts.events_in_window else "unknown"), first


def start_context(*, session: Session, actor: User, info: CallInfo) -> StartContext:
    """Check the site (the actor must belong to it) and look the customer up."""
    site = session.get(Site, info.site_id)
    if site is None or not site.is_active:
        raise InputError([FieldProblem("call.site_id", Message("拠点が見つかりません", "unknown or inactive site"))])
    if actor.role != "admin" and info.site_id not in access.site_ids(session, actor):
        raise InputError([FieldProblem("call.site_id", Message("所属していない拠点です", "you do not belong to this site"))])
    status, customer_id = customer_status(session=session, identifier=info.customer_identifier)
    minutes = settings_service.thresholds(session=session).time_limit_minutes
    return StartContext(customer_status=status, customer_id=customer_id, time_limit_seconds=minutes * 60,
                        policy=policy(session=session))


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def record_start(*, session: Session, actor: User, state: CallState, customer_id: int | None) -> None:
    existing = session.get(LiveCall, state.call_id)
    if existing is not None:
        raise ConflictError(Message("この通話IDはすでに使われています", "this call id was already used"))
    session.add(LiveCall(
        call_id=state.call_id, site_id=state.site_id, operator=state.operator, channel=state.channel,
        customer_id=customer_id, customer_status=state.customer_status, started_at=_moment(state.started_at),
        end_reason="", duration_seconds=0.0, alerts_count=0, state={}, started_by=actor.id,
    ))
    audit.record(session, actor=actor, action="call.start", target_type="live_call", target_id=state.call_id,
                 detail={"site_id": state.site_id, "channel": state.channel, "customer_status": state.customer_status})


def record_end(*, session: Session, state: CallState) -> None:
    """The final state of an ended call (its transcript, alerts, decisions) goes to its row."""
    row = session.get(LiveCall, state.call_id)
    if row is None:
        return
    row.ended_at = _moment(state.ended_at or state.last_activity_at)
    row.end_reason = state.end_reason
    row.duration_seconds = round(state.duration(state.ended_at or state.last_activity_at), 1)
    row.alerts_count = len(state.alerts)
    row.state = state.to_dict()
    audit.record(session, actor=None, action="call.end", target_type="live_call", target_id=state.call_id,
                 detail={"reason": state.end_reason, "duration_seconds": row.duration_seconds,
                         "alerts": len(state.alerts)})


def record_decision(*, session: Session, actor: User, call_id: str, decision: dict[str, Any]) -> None:
    audit.record(session, actor=actor, action=f"call.{decision['action']}", target_type="live_call",
                 target_id=call_id, detail={"alert_id": decision.get("alert_id"), "note": decision.get("note", "")})


def check_site_access(*, session: Session, actor: User, site_id: int, roles: frozenset[str]) -> None:
    access.require_role(actor, roles)
    if actor.role != "admin" and site_id not in access.site_ids(session, actor):
        raise access.deny()


def ended_calls(*, session: Session, actor: User, limit: int = 30) -> list[LiveCall]:
    """Calls that ended in the last day at the actor's sites (the board offers them as incidents)."""
    since = utcnow() - timedelta(days=1)
    stmt = select(LiveCall).where(LiveCall.ended_at.is_not(None), LiveCall.ended_at >= since)
    sites = user_sites(session=session, user=actor)
    if sites is not None:
        stmt = stmt.where(LiveCall.site_id.in_(sites))
    return list(session.scalars(stmt.order_by(LiveCall.ended_at.desc()).limit(limit)))


def stored_call(*, session: Session, actor: User, call_id: str) -> LiveCall:
    row = session.get(LiveCall, call_id)
    if row is None:
        raise NotFoundError(Message("通話が見つかりません", "call not found"))
    check_site_access(session=session, actor=actor, site_id=row.site_id, roles=SCREEN_ROLES)
    return row


# --- after the call: the incident ---------------------------------------------------------------

def transcript_lines(state: CallState) -> bytes:
    """The final segments as JSON Lines (UTF-8): the evidence file whose hash the case keeps."""
    out = io.StringIO()
    for seg in state.segments:
        out.write(json.dumps({k: seg[k] for k in ("seq", "speaker", "start", "end", "text")}, ensure_ascii=False))
        out.write("\n")
    if not state.segments:
        out.write("\n")
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class CallIncident:
    incident: Incident
    evidence_id: int
    sha256: str
    storage_key: str
    judgment_id: int | None


def make_incident(*, session: Session, store: EvidenceStore, actor: User, call_id: str,
                  max_bytes: int) -> CallIncident:
    """One click after the call: the case with the transcript as evidence, the facts and the judgment.

    The customer's words go into the facts as `utterances`, so the judgment screens them and their
    behaviours are suggestions (origin `screened`) for a person to confirm, never confirmed facts.
    Shouting measured on the audio is recorded on the case's timeline the same way, as a suggestion.
    """
    row = session.get(LiveCall, call_id, with_for_update=True)
    if row is None:
        raise NotFoundError(Message("通話が見つかりません", "call not found"))
    check_site_access(session=session, actor=actor, site_id=row.site_id, roles=access.WORKERS)
    if row.ended_at is None:
        raise ConflictError(Message("通話が終わってから事案にしてください", "end the call before making it a case"))
    if row.incident_id is not None:
        raise ConflictError(Message(f"この通話はすでに事案 {row.incident_id} です",
                                    f"this call is already case {row.incident_id}"))
    state = CallState.from_dict(row.state)
    utterances = [s["text"] for s in state.segments if s["speaker"] == "customer" and s["text"]]
    minutes = round(row.duration_seconds / 60.0, 1)
    facts: dict[str, Any] = {"duration_minutes": minutes, "asked_to_leave": state.end_requests}
    if utterances:
        facts["utterances"] = utterances[-MAX_INCIDENT_UTTERANCES:]
    started = row.started_at.astimezone(JST)
    incident = incident_service.create(
        session=session, actor=actor, site_id=row.site_id, occurred_at=started, channel="phone",
        title=f"通話 {call_id} ({started:%Y-%m-%d %H:%M})",
        summary=(f"ライブ通話 {call_id}: {minutes}分、警告 {len(state.alerts)}件、"
                 f"終了のお願い {state.end_requests}回、{END_REASONS.get(state.end_reason, state.end_reason)}。"
                 f"通話の記録: /live?call={call_id}"),
        facts=facts, customer_id=row.customer_id,
    )
    content = transcript_lines(state)
    evidence = evidence_service.upload(
        session=session, store=store, actor=actor, incident_id=incident.id, stream=io.BytesIO(content),
        filename=f"call-{call_id}.jsonl", kind=_transcript_kind(), description="通話の文字起こし (JSON Lines) / call transcript",
        max_bytes=max_bytes,
    )
    try:
        incident_service.add_event(session, incident, actor, "live_call", detail={
            "call_id": call_id, "duration_seconds": row.duration_seconds, "end_requests": state.end_requests,
            "alerts": [{"rule": a["rule"], "severity": a["severity"], "at_seconds": a["elapsed_seconds"]}
                       for a in state.alerts],
            "suggested_behaviours": state.suggested_behaviours(), "transcript_sha256": evidence.sha256,
            "decisions": [{"action": d["action"], "by": d["by"]} for d in state.decisions],
        })
        judgment_id: int | None = None
        try:
            judgment_id = judgment_service.run(session=session, actor=actor, incident_id=incident.id).id
        except InputError:
            judgment_id = None
        row.incident_id = incident.id
        audit.record(session, actor=actor, action="call.to_incident", target_type="live_call", target_id=call_id,
                     detail={"incident_id": incident.id, "evidence_id": evidence.id, "sha256": evidence.sha256})
        session.flush()
    except BaseException:
        store.delete(evidence.storage_key)
        raise
    return CallIncident(incident=incident, evidence_id=evidence.id, sha256=evidence.sha256,
                        storage_key=evidence.storage_key, judgment_id=judgment_id)


def _transcript_kind() -> str:
    from kasuhara.store.models.evidence import EVIDENCE_KINDS

    for kind in ("transcript", "document", "text", "other"):
        if kind in EVIDENCE_KINDS:
            return kind
    return EVIDENCE_KINDS[0]


def call_of_incident(*, session: Session, incident_id: int) -> str | None:
    """The call a case was made from (the case page links back to it)."""
    return session.scalar(select(LiveCall.call_id).where(LiveCall.incident_id == incident_id))


# --- what the operator can say: the company's phone script ---------------------------------------

_QUOTE = re.compile(r"「(.+?)」")
_EN_QUOTE = re.compile(r"[\"“](.+?)[\"”]")


def script_lines(*, session: Session, policy_: LivePolicy) -> dict[str, dict[str, str]]:
    """The words for each prompt kind, in ja and en, from the company's phone-script document."""
    row = settings_service.get(session=session)
    limits = settings_service.thresholds(session=session)
    return _script_lines(row.company_name or "", row.desk_name or "", limits.time_limit_minutes,
                         limits.repeat_contacts, limits.repeat_days,
                         tuple(sorted(policy_.phone_script_sections.items())))


@lru_cache(maxsize=8)
def _script_lines(company: str, desk: str, minutes: int, contacts: int, days: int,
                  sections: tuple[tuple[str, int], ...]) -> dict[str, dict[str, str]]:
    from kasuhara.company import Thresholds
    from kasuhara.documents.base import BuildInput
    from kasuhara.documents.catalog import kind as document_kind
    from kasuhara.documents.profile import CompanyProfile, DeskContact

    out: dict[str, dict[str, str]] = {key: {} for key, _ in sections}
    for lang in ("ja", "en"):
        profile = CompanyProfile(
            name=company or ("当社" if lang == "ja" else "our company"), industry="other", prefecture="東京都",
            thresholds=Thresholds(minutes, contacts, days), desk=DeskContact(name=desk) if desk else None,
        )
        document = document_kind("phone-script").build(BuildInput(company=profile, lang=lang))
        by_number: dict[int, str] = {}
        current: int | None = None
        for block in document.blocks:
            if block.kind == "h2":
                head = block.text.split(".", 1)[0].strip()
                current = int(head) if head.isdigit() else None
            elif current is not None and current not in by_number and block.kind == "para":
                found = (_QUOTE if lang == "ja" else _EN_QUOTE).search(block.text) or _QUOTE.search(block.text)
                if found:
                    by_number[current] = found.group(1)
        for key, number in sections:
            if number in by_number:
                out[key][lang] = by_number[number]
    return out


# --- recordings: a loudness timeline ------------------------------------------------------------

RECORDING_TYPES = ("audio/wav", "audio/flac")
MAX_RECORDING_SECONDS = 4 * 3600


def recording_loudness(*, session: Session, store: EvidenceStore, actor: User, evidence_id: int) -> dict[str, Any]:
    """A WAV or FLAC recording's loudness per second and its sustained shouting, against its own baseline.

    Reading it is a read of the evidence (hash checked, audited). Decoded by soundfile (libsndfile).
    """
    import numpy as np
    import soundfile

    from kasuhara.live.loudness import timeline

    row, handle = evidence_service.verified_open(session=session, store=store, actor=actor, evidence_id=evidence_id)
    if row.content_type not in RECORDING_TYPES:
        handle.close()
        raise InputError([FieldProblem("evidence_id", Message("WAVかFLACの録音ではありません", "not a WAV or FLAC recording"),
                                       RECORDING_TYPES)])
    try:
        with handle, soundfile.SoundFile(handle) as audio:
            if audio.frames > audio.samplerate * MAX_RECORDING_SECONDS:
                raise InputError([FieldProblem("evidence_id", Message("録音が長すぎます (4時間まで)",
                                                                      "recording too long (4 hours at most)"))])
            samples = audio.read(dtype="float32", always_2d=True)
            rate = audio.samplerate
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise InputError([FieldProblem("evidence_id", Message("録音を読み取れません", "the recording cannot be decoded"))]) from exc
    mono = np.asarray(samples.mean(axis=1))
    result = timeline(mono, sample_rate=rate, policy=policy(session=session).shouting)
    result.update({"evidence_id": row.id, "filename": row.filename, "sample_rate": rate,
                   "suggestion": {"behaviour": "intimidation", "reason": {"ja": "大声", "en": "shouting"}}
                   if result["shouting"] else None})
    return result
