"""Consultation desk API (相談窓口).

Anonymous consulters use `/consultations/anonymous/*` with the report key and passphrase in the
JSON body (never in a URL, so never in an access log). These endpoints do not read the session
cookie or any request metadata at all, and their requests are dropped from the server's access
log (see `AnonymousAccessLogFilter`). Failed attempts are throttled per key (in memory and, with a
day lock, in the database), never per IP address, since keeping addresses is what must not happen,
and never for everyone at once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections import deque
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi import Path as FastPath
from pydantic import Field

from kasuhara.errors import PermissionDeniedError
from kasuhara.services import consultations as svc
from kasuhara.services.access import DENIED
from kasuhara.web.api._common import ERRORS, MAX_ID, InputSchema, Text
from kasuhara.web.deps import CurrentUser, SessionDep, SettingsDep

router = APIRouter(prefix="/consultations", tags=["consultations"], responses=ERRORS)

ANONYMOUS_PATHS = ("/api/v1/consultations/anonymous", "/api/v1/consultations/mine", "/consult")
"""Request paths never written to an access log: the consulter's API and every consulter page."""
_ANONYMOUS_IN_TEXT = re.compile(r"(/api/v1/consultations/(anonymous|mine)|/consult(?=[/?\s\"]|$))")
today = svc.japan_today
"""The day in Japan (kept here as `today` for the other desk routers and pages)."""


class AnonymousAccessLogFilter(logging.Filter):
    """Drops access-log lines (uvicorn's, with client address and time) for the anonymous paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        for arg in args:
            if isinstance(arg, str) and _is_anonymous_path(arg):
                return False
        return not _ANONYMOUS_IN_TEXT.search(str(record.msg) if not args else record.getMessage())


def _is_anonymous_path(path: str) -> bool:
    return path.startswith(ANONYMOUS_PATHS[:2]) or path == "/consult" or path.startswith(("/consult/", "/consult?"))


def install_log_filter() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "fastapi", "kasuhara"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, AnonymousAccessLogFilter) for f in logger.filters):
            logger.addFilter(AnonymousAccessLogFilter())


install_log_filter()


class _KeyThrottle:
    """At most `limit` failed opens per report key per minute, in this process.

    Per key, so a flood of wrong attempts (on other keys, or random ones) never blocks another
    consulter: the old process-wide limit let 30 wrong tries lock every anonymous consulter out
    for a minute. Keys are remembered only as an HMAC under a per-process random salt (never the
    key itself, never an address), and the table is bounded. Guessing a passphrase for one key
    is slowed here and stopped by the day lock in the database (`MAX_FAILED_ATTEMPTS`).
    """

    def __init__(self, limit: int = 5, window: float = 60.0, max_keys: int = 50_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._salt = secrets.token_bytes(32)

    def _bucket(self, report_key: str) -> str:
        normal = re.sub(r"[\s-]", "", report_key).upper()
        return hmac.new(self._salt, normal.encode(), hashlib.sha256).hexdigest()[:32]

    def _recent(self, bucket: str, now: float) -> deque[float] | None:
        fails = self._fails.get(bucket)
        while fails and now - fails[0] > self.window:
            fails.popleft()
        if fails is not None and not fails:
            del self._fails[bucket]
            return None
        return fails

    def blocked(self, report_key: str) -> bool:
        with self._lock:
            fails = self._recent(self._bucket(report_key), time.monotonic())
            return fails is not None and len(fails) >= self.limit

    def fail(self, report_key: str) -> None:
        with self._lock:
            now = time.monotonic()
            bucket = self._bucket(report_key)
            if bucket not in self._fails and len(self._fails) >= self.max_keys:
                for stale in [b for b in list(self._fails) if self._recent(b, now) is None][: self.max_keys // 10]:
                    self._fails.pop(stale, None)
                if len(self._fails) >= self.max_keys:  # all busy: forget the oldest
                    self._fails.pop(next(iter(self._fails)))
            self._fails.setdefault(bucket, deque()).append(now)

    def reset(self) -> None:
        with self._lock:
            self._fails.clear()


THROTTLE = _KeyThrottle()

ConsultationId = Annotated[str, FastPath(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                                         max_length=36)]
"""Consultation ids are random UUIDs; anything else is refused before it reaches the database."""

Category = Literal["incident", "unsure", "care", "other"]


class NewConsultationIn(InputSchema):
    category: Category = "unsure"
    subject: Annotated[Text, Field(min_length=1, max_length=200)]
    content: Annotated[Text, Field(min_length=1, max_length=20000)]
    customer_phone: Annotated[Text, Field(max_length=50)] = ""
    customer_email: Annotated[Text, Field(max_length=254)] = ""


class AnonymousIn(NewConsultationIn):
    passphrase: Annotated[Text, Field(min_length=1, max_length=200)]


class AnonymousReceiptOut(InputSchema):
    report_key: str
    received_on: str
    promise_ja: str
    promise_en: str


class KeyIn(InputSchema):
    report_key: Annotated[Text, Field(min_length=1, max_length=64)]
    passphrase: Annotated[Text, Field(min_length=1, max_length=200)]


class KeyMessageIn(KeyIn):
    body: Annotated[Text, Field(min_length=1, max_length=20000)]


class MessageIn(InputSchema):
    body: Annotated[Text, Field(min_length=1, max_length=20000)]


class ReplyIn(MessageIn):
    kind: Literal["reply", "question", "internal"] = "reply"


class LinkIn(InputSchema):
    incident_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None


class CustomerLinkIn(InputSchema):
    customer_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None


class SettingsIn(InputSchema):
    first_reply_working_days: Annotated[int, Field(ge=1, le=60)] | None = None
    follow_up_reply_working_days: Annotated[int, Field(ge=1, le=60)] | None = None
    care_follow_up_days: Annotated[int, Field(ge=1, le=365)] | None = None
    year_end_closure: bool | None = None
    alert_count: Annotated[int, Field(ge=1, le=1000)] | None = None
    window_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    ban_review_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    retention_consultation_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    retention_care_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    retention_customer_days: Annotated[int, Field(ge=1, le=36500)] | None = None


def _throttled() -> HTTPException:
    return HTTPException(
        status_code=429,
        detail={"msg_ja": "しばらく待ってからもう一度お試しください", "msg_en": "too many attempts; wait a minute"},
    )


@router.get("/promise")
def promise() -> dict[str, str]:
    """不利益取扱いをしない約束と、誰が何を見られるか / the no-disadvantage promise and who sees what."""
    return {"ja": svc.NO_DISADVANTAGE.ja, "en": svc.NO_DISADVANTAGE.en}


@router.post("/anonymous", response_model=AnonymousReceiptOut, status_code=201)
def create_anonymous(body: AnonymousIn, session: SessionDep, settings: SettingsDep) -> AnonymousReceiptOut:
    """匿名で相談する (受付番号を発行) / consult anonymously: returns the report key, shown once.

    Takes no cookie, no header, no address: the consulter cannot be identified even by accident.
    """
    receipt = svc.start_anonymous(
        session,
        cipher=svc.cipher_from_settings(settings),
        category=body.category,
        subject=body.subject,
        content=body.content,
        passphrase=body.passphrase,
        today=today(),
        customer_phone=body.customer_phone,
        customer_email=body.customer_email,
    )
    session.commit()
    return AnonymousReceiptOut(
        report_key=receipt.report_key,
        received_on=receipt.consultation.received_on.isoformat(),
        promise_ja=svc.NO_DISADVANTAGE.ja,
        promise_en=svc.NO_DISADVANTAGE.en,
    )


def _open(session: SessionDep, body: KeyIn) -> Any:
    if THROTTLE.blocked(body.report_key):
        raise _throttled()
    try:
        return svc.open_anonymous(session, report_key=body.report_key, passphrase=body.passphrase, today=today())
    except PermissionDeniedError:
        THROTTLE.fail(body.report_key)
        raise


@router.post("/anonymous/open")
def open_anonymous(body: KeyIn, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """受付番号と合言葉で相談を開く / open an anonymous consultation with key and passphrase."""
    consultation = _open(session, body)
    view = svc.consulter_view(session, cipher=svc.cipher_from_settings(settings), consultation=consultation)
    session.commit()
    return view


@router.post("/anonymous/messages")
def add_anonymous_message(body: KeyMessageIn, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """匿名の相談に追記する / add to an anonymous consultation."""
    consultation = _open(session, body)
    c = svc.cipher_from_settings(settings)
    svc.add_consulter_message(session, cipher=c, consultation=consultation, body=body.body, today=today())
    session.flush()
    view = svc.consulter_view(session, cipher=c, consultation=consultation)
    session.commit()
    return view


@router.post("", status_code=201)
def create_named(body: NewConsultationIn, user: CurrentUser, session: SessionDep,
                 settings: SettingsDep) -> dict[str, Any]:
    """名前を明かして相談する (窓口だけが名前を見られる) / consult by name (only the desk sees who)."""
    consultation = svc.start_named(
        session, cipher=svc.cipher_from_settings(settings), user=user, category=body.category, subject=body.subject,
        content=body.content, today=today(), customer_phone=body.customer_phone,
        customer_email=body.customer_email,
    )
    session.commit()
    return {"id": consultation.id, "received_on": consultation.received_on.isoformat()}


@router.get("/mine")
def mine(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """自分の相談 (名前を明かしたもの) / my named consultations."""
    c = svc.cipher_from_settings(settings)
    return [
        {
            "id": x.id,
            "status": x.status,
            "received_on": x.received_on.isoformat(),
            "subject": c.decrypt(x.subject_enc, field="consultations.subject"),
        }
        for x in svc.my_consultations(session, user=user)
    ]


@router.get("/mine/{consultation_id}")
def mine_one(consultation_id: ConsultationId, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    consultation = svc.own_consultation(session, user=user, consultation_id=consultation_id)
    return svc.consulter_view(session, cipher=svc.cipher_from_settings(settings), consultation=consultation)


@router.post("/mine/{consultation_id}/messages")
def mine_message(consultation_id: ConsultationId, body: MessageIn, user: CurrentUser, session: SessionDep,
                 settings: SettingsDep) -> dict[str, Any]:
    c = svc.cipher_from_settings(settings)
    consultation = svc.own_consultation(session, user=user, consultation_id=consultation_id)
    svc.add_consulter_message(session, cipher=c, consultation=consultation, body=body.body, today=today())
    session.flush()
    view = svc.consulter_view(session, cipher=c, consultation=consultation)
    session.commit()
    return view


@router.get("/stats")
def stats(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """件数のみ: 管理者・監査には終わった週・月ごと、5件未満は伏せる (窓口には現在の状態別) /
    counts only: finished weeks and months for admins and auditors, small counts suppressed (live for the desk)."""
    if user.role not in ("desk", "admin", "auditor"):
        raise PermissionDeniedError(DENIED)
    coarse = svc.coarse_counts(session, today=today())
    if user.role == "desk":
        return {**coarse, "by_status": svc.counts(session)}
    return coarse


@router.get("/settings")
def get_settings(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """窓口の設定 (回答期限・基準件数・保存期間) / desk settings: limits, threshold, retention."""
    if user.role not in ("desk", "admin", "supervisor"):
        raise PermissionDeniedError(DENIED)
    row = svc.desk_settings(session)
    session.commit()
    return svc.settings_dict(row)


@router.put("/settings")
def put_settings(body: SettingsIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    row = svc.update_settings(session, user=user, values=body.model_dump(exclude_none=True))
    session.commit()
    return svc.settings_dict(row)


@router.get("")
def inbox(user: CurrentUser, session: SessionDep, settings: SettingsDep,
          include_closed: bool = False) -> list[dict[str, Any]]:
    """窓口の受付箱 (期限超過が先頭) / the desk's inbox, overdue first."""
    items = svc.inbox(session, cipher=svc.cipher_from_settings(settings), user=user, today=today(), include_closed=include_closed)
    session.commit()
    return items


@router.get("/{consultation_id}")
def read(consultation_id: ConsultationId, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    view = svc.desk_view(session, cipher=svc.cipher_from_settings(settings), user=user, consultation_id=consultation_id,
                         today=today())
    session.commit()
    return view


@router.post("/{consultation_id}/replies")
def reply(consultation_id: ConsultationId, body: ReplyIn, user: CurrentUser, session: SessionDep,
          settings: SettingsDep) -> dict[str, Any]:
    c = svc.cipher_from_settings(settings)
    svc.desk_reply(session, cipher=c, user=user, consultation_id=consultation_id, body=body.body, kind=body.kind,
                   today=today())
    session.flush()
    view = svc.desk_view(session, cipher=c, user=user, consultation_id=consultation_id, today=today())
    session.commit()
    return view


@router.post("/{consultation_id}/link")
def link(consultation_id: ConsultationId, body: LinkIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    svc.link_incident(session, user=user, consultation_id=consultation_id, incident_id=body.incident_id)
    session.commit()
    return {"id": consultation_id, "incident_id": body.incident_id}


@router.post("/{consultation_id}/customer")
def link_customer(consultation_id: ConsultationId, body: CustomerLinkIn, user: CurrentUser,
                  session: SessionDep) -> dict[str, Any]:
    svc.link_customer(session, user=user, consultation_id=consultation_id, customer_id=body.customer_id)
    session.commit()
    return {"id": consultation_id, "customer_id": body.customer_id}


@router.post("/{consultation_id}/close")
def close(consultation_id: ConsultationId, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    svc.close(session, user=user, consultation_id=consultation_id, today=today())
    session.commit()
    return {"id": consultation_id, "status": "closed"}


