"""Consultation desk use cases: anonymous and named consultations, the desk's inbox and replies.

Anonymity rules kept here (and tested): the anonymous path never receives a user, a request, an
address or a time of day; its rows carry dates only; its actions are not written to the audit log
(whose precise timestamps could be matched against web-server logs) but to the consultation's own
thread, day by day. Every access by the desk is audited, without content.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from kasuhara.config import Settings
from kasuhara.desk import reportkey
from kasuhara.desk.calendar import WorkingCalendar
from kasuhara.desk.crypto import DecryptionError, FieldCipher
from kasuhara.desk.deterrence import OffenderPolicy
from kasuhara.desk.timelimits import TimeLimits, reply_deadline
from kasuhara.errors import FieldProblem, InputError, Message, NotFoundError, PermissionDeniedError
from kasuhara.services import audit
from kasuhara.services.access import DENIED
from kasuhara.store.models.consultation import (
    CATEGORIES,
    MESSAGE_KINDS,
    Consultation,
    ConsultationMessage,
    DeskSettings,
)
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.users import User

DESK_ROLES = frozenset({"desk"})
MAX_FAILED_ATTEMPTS = 10
MAX_TEXT = 20_000

NO_DISADVANTAGE = Message(
    ja=(
        "相談したこと、事実を話したことを理由に、解雇・降格・減給・不利な配置換えなど、"
        "あなたが不利益な扱いを受けることは一切ありません（労働施策総合推進法）。"
        "相談の内容を見られるのは相談窓口の担当者だけです。上司・管理者・システム管理者は見られません。"
        "匿名の相談では、窓口の担当者にもあなたが誰かは分かりません。名前を書かなければ、"
        "システムにもあなたにつながる記録（アカウント、IPアドレス、時刻）は残りません。"
    ),
    en=(
        "You will never be dismissed, demoted, paid less, moved or treated worse in any way because you "
        "consulted or gave facts (Labour Policy Comprehensive Promotion Act). Only the consultation desk "
        "can read what you write; your supervisor, managers and the system administrator cannot. "
        "In an anonymous consultation not even the desk knows who you are, and the system keeps nothing "
        "that leads to you (no account, IP address or time of day) unless you write your name."
    ),
)


JST = ZoneInfo("Asia/Tokyo")


def japan_today() -> date:
    """The day in Japan: deadlines and working days are Japanese calendar days."""
    return datetime.now(UTC).astimezone(JST).date()


DEVELOPMENT_ENCRYPTION_KEY = "development-only-encryption-key-do-not-use-in-production"
"""Used in development when no key is set (like the development secret key); refused in production."""


def cipher_from_settings(settings: Settings) -> FieldCipher:
    """The field cipher; outside development an encryption key must be set."""
    key = settings.encryption_key
    if not key:
        if settings.environment != "development":
            raise InputError(
                [
                    FieldProblem(
                        "encryption_key",
                        Message(
                            "KASUHARA_ENCRYPTION_KEY を設定してください（相談・ケア記録の暗号化に必須）",
                            "set KASUHARA_ENCRYPTION_KEY: needed to encrypt consultations and care notes",
                        ),
                    )
                ]
            )
        key = DEVELOPMENT_ENCRYPTION_KEY
    return FieldCipher(key)


def desk_settings(session: Session) -> DeskSettings:
    """The company's desk settings row, created with defaults on first use."""
    row = session.get(DeskSettings, 1)
    if row is None:
        row = DeskSettings(id=1)
        session.add(row)
        session.flush()
    return row


def time_limits(row: DeskSettings) -> TimeLimits:
    return TimeLimits(
        first_reply_working_days=row.first_reply_working_days,
        follow_up_reply_working_days=row.follow_up_reply_working_days,
        care_follow_up_days=row.care_follow_up_days,
    )


def calendar(row: DeskSettings) -> WorkingCalendar:
    return WorkingCalendar.with_year_end_closure() if row.year_end_closure else WorkingCalendar()


def offender_policy(row: DeskSettings) -> OffenderPolicy:
    return OffenderPolicy(alert_count=row.alert_count, window_days=row.window_days, ban_review_days=row.ban_review_days)


SETTING_FIELDS = (
    "first_reply_working_days",
    "follow_up_reply_working_days",
    "care_follow_up_days",
    "year_end_closure",
    "alert_count",
    "window_days",
    "ban_review_days",
    "retention_consultation_days",
    "retention_care_days",
    "retention_customer_days",
)


def settings_dict(row: DeskSettings) -> dict[str, Any]:
    return {name: getattr(row, name) for name in SETTING_FIELDS}


def update_settings(session: Session, *, user: User, values: dict[str, Any]) -> DeskSettings:
    """Admins set the company's limits, threshold and retention periods."""
    if user.role != "admin":
        raise PermissionDeniedError(DENIED)
    problems: list[FieldProblem] = []
    for key, value in values.items():
        if key not in SETTING_FIELDS:
            problems.append(FieldProblem(key, Message("不明な項目です", "unknown field"), SETTING_FIELDS))
        elif key == "year_end_closure":
            if not isinstance(value, bool):
                problems.append(FieldProblem(key, Message("真偽値にしてください", "must be true or false")))
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(FieldProblem(key, Message("1以上の整数にしてください", "must be an integer ≥ 1")))
    if problems:
        raise InputError(problems)
    row = desk_settings(session)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_by = user.id
    from kasuhara.store.types import utcnow

    row.updated_at = utcnow()
    audit.record(session, actor=user, action="desk.settings", target_type="desk_settings", target_id=1,
                 detail=values)
    return row


def _text(field: str, value: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = value.strip()
    if required and not text:
        raise InputError([FieldProblem(field, Message("入力してください", "required"))])
    if len(text) > limit:
        raise InputError(
            [FieldProblem(field, Message(f"{limit}文字以内にしてください", f"at most {limit} characters"))]
        )
    return text


def _category(value: str) -> str:
    if value not in CATEGORIES:
        raise InputError([FieldProblem("category", Message("選べない値です", "not an allowed value"), CATEGORIES)])
    return value


def _add_message(
    session: Session,
    *,
    cipher: FieldCipher,
    consultation: Consultation,
    author: str,
    author_id: int | None,
    kind: str,
    body: str,
    on: date,
) -> ConsultationMessage:
    seq = (
        session.scalar(
            select(func.max(ConsultationMessage.seq)).where(
                ConsultationMessage.consultation_id == consultation.id
            )
        )
        or 0
    ) + 1
    message = ConsultationMessage(
        consultation_id=consultation.id,
        seq=seq,
        author=author,
        author_id=author_id,
        kind=kind,
        body_enc=cipher.encrypt(body, field="consultation_messages.body"),
        sent_on=on,
    )
    session.add(message)
    _scatter(session, message)
    return message


def _new(
    session: Session,
    *,
    cipher: FieldCipher,
    kind: str,
    consulter_id: int | None,
    category: str,
    subject: str,
    content: str,
    customer_id: int | None,
    today: date,
) -> Consultation:
    consultation = Consultation(
        kind=kind,
        consulter_id=consulter_id,
        category=_category(category),
        subject_enc=cipher.encrypt(_text("subject", subject, limit=200), field="consultations.subject"),
        content_enc=cipher.encrypt(_text("content", content), field="consultations.content"),
        status="new",
        received_on=today,
        waiting_since=today,
        customer_id=customer_id,
        failed_attempts=0,
    )
    session.add(consultation)
    session.flush()
    _scatter(session, consultation)
    return consultation


def _customer_from_identifier(session: Session, customer_phone: str, customer_email: str) -> int | None:
    """Link to a known customer when the consulter gives their phone or e-mail; the value is not kept."""
    from kasuhara.services import offenders

    for kind, value in (("phone", customer_phone), ("email", customer_email)):
        if value.strip():
            found = offenders.find_customers(session, kind=kind, value=value)
            if found:
                return found[0].id
    return None


@dataclass(frozen=True)
class AnonymousReceipt:
    consultation: Consultation
    report_key: str


def start_anonymous(
    session: Session,
    *,
    cipher: FieldCipher,
    category: str,
    subject: str,
    content: str,
    passphrase: str,
    today: date,
    customer_phone: str = "",
    customer_email: str = "",
) -> AnonymousReceipt:
    """An anonymous consultation: no user, no request data; returns the report key (shown once)."""
    passphrase_hash = reportkey.hash_passphrase(passphrase)
    key = reportkey.new_report_key()
    consultation = _new(
        session,
        cipher=cipher,
        kind="anonymous",
        consulter_id=None,
        category=category,
        subject=subject,
        content=content,
        customer_id=_customer_from_identifier(session, customer_phone, customer_email),
        today=today,
    )
    consultation.key_hash = reportkey.key_lookup_hash(key)
    consultation.passphrase_hash = passphrase_hash
    return AnonymousReceipt(consultation=consultation, report_key=key)


def start_named(
    session: Session,
    *,
    cipher: FieldCipher,
    user: User,
    category: str,
    subject: str,
    content: str,
    today: date,
    customer_phone: str = "",
    customer_email: str = "",
) -> Consultation:
    """A named consultation: the desk (and only the desk) sees who consulted."""
    consultation = _new(
        session,
        cipher=cipher,
        kind="named",
        consulter_id=user.id,
        category=category,
        subject=subject,
        content=content,
        customer_id=_customer_from_identifier(session, customer_phone, customer_email),
        today=today,
    )
    # Not audited: the audit log is read by admins and auditors, and the precise time of this entry
    # next to the consulter's own `auth.login` would tell them who consulted. Like the anonymous
    # path, the consultation keeps its day (`received_on`) and the desk's every access is audited.
    return consultation


def _refused() -> PermissionDeniedError:
    return PermissionDeniedError(
        Message("受付番号または合言葉が違います", "the report key or passphrase is wrong")
    )


def open_anonymous(session: Session, *, report_key: str, passphrase: str, today: date) -> Consultation:
    """The consulter comes back with key + passphrase. Ten wrong passphrases lock the key for a day."""
    try:
        key_hash = reportkey.key_lookup_hash(report_key)
    except InputError:
        reportkey.verify_passphrase(None, passphrase)
        raise _refused() from None
    consultation = session.scalar(select(Consultation).where(Consultation.key_hash == key_hash))
    if consultation is None:
        reportkey.verify_passphrase(None, passphrase)
        raise _refused()
    if consultation.locked_until is not None and consultation.locked_until > today:
        raise PermissionDeniedError(
            Message(
                "誤った入力が続いたため、明日まで開けません",
                "too many wrong attempts: try again tomorrow",
            )
        )
    if not reportkey.verify_passphrase(consultation.passphrase_hash, passphrase):
        consultation.failed_attempts += 1
        if consultation.failed_attempts >= MAX_FAILED_ATTEMPTS:
            consultation.locked_until = today + timedelta(days=1)
            consultation.failed_attempts = 0
        session.commit()
        raise _refused()
    consultation.failed_attempts = 0
    consultation.locked_until = None
    return consultation


def thread(
    session: Session, *, cipher: FieldCipher, consultation: Consultation, include_internal: bool
) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ConsultationMessage)
        .where(ConsultationMessage.consultation_id == consultation.id)
        .order_by(ConsultationMessage.seq)
    ).all()
    return [
        {
            "seq": m.seq,
            "author": m.author,
            "kind": m.kind,
            "body": cipher.decrypt(m.body_enc, field="consultation_messages.body"),
            "sent_on": m.sent_on.isoformat(),
        }
        for m in rows
        if include_internal or m.kind != "internal"
    ]


def consulter_view(session: Session, *, cipher: FieldCipher, consultation: Consultation) -> dict[str, Any]:
    """What the consulter sees: their text, the desk's replies and questions (no internal notes)."""
    return {
        "id": consultation.id,
        "kind": consultation.kind,
        "category": consultation.category,
        "status": consultation.status,
        "received_on": consultation.received_on.isoformat(),
        "subject": cipher.decrypt(consultation.subject_enc, field="consultations.subject"),
        "content": cipher.decrypt(consultation.content_enc, field="consultations.content"),
        "messages": thread(session, cipher=cipher, consultation=consultation, include_internal=False),
        "promise_ja": NO_DISADVANTAGE.ja,
        "promise_en": NO_DISADVANTAGE.en,
    }


def add_consulter_message(
    session: Session, *, cipher: FieldCipher, consultation: Consultation, body: str, today: date
) -> None:
    """The consulter adds to their consultation (anonymous: nothing but the day is recorded)."""
    if consultation.status == "closed":
        raise InputError(
            [FieldProblem("body", Message("この相談は終了しています", "this consultation is closed"))]
        )
    _add_message(session, cipher=cipher, consultation=consultation, author="consulter", author_id=None,
                 kind="message", body=_text("body", body), on=today)

    if consultation.waiting_since is None:
        consultation.waiting_since = today
    consultation.status = "waiting" if consultation.first_replied_on else "new"


def own_consultation(session: Session, *, user: User, consultation_id: str) -> Consultation:
    """A named consultation, for the employee who made it."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None or consultation.kind != "named" or consultation.consulter_id != user.id:
        raise PermissionDeniedError(DENIED)
    return consultation


def my_consultations(session: Session, *, user: User) -> list[Consultation]:
    return list(
        session.scalars(
            select(Consultation)
            .where(Consultation.kind == "named", Consultation.consulter_id == user.id)
            .order_by(Consultation.received_on.desc())
        )
    )


def _require_desk(user: User) -> None:
    if user.role not in DESK_ROLES:
        raise PermissionDeniedError(DENIED)


def deadline_info(row: DeskSettings, consultation: Consultation, today: date) -> dict[str, Any] | None:
    if consultation.status == "closed" or consultation.waiting_since is None:
        return None
    limits = time_limits(row)
    limit = (
        limits.follow_up_reply_working_days if consultation.first_replied_on else limits.first_reply_working_days
    )
    deadline = reply_deadline(
        waiting_since=consultation.waiting_since, limit_working_days=limit, today=today, calendar=calendar(row)
    )
    return {
        "due": deadline.due.isoformat(),
        "overdue": deadline.overdue,
        "working_days_left": deadline.working_days_left,
        "first_reply": consultation.first_replied_on is None,
    }


def _scatter(session: Session, row: Consultation | ConsultationMessage) -> None:
    """SQLite keeps rows in `rowid` order, which is insertion order (a new row gets the largest rowid
    plus one): an anonymous row between two named ones would be dated by them. Every consultation
    and message gets a random rowid instead, so no row's place says when it was written."""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.flush()
    table = row.__tablename__
    session.execute(text(f"UPDATE {table} SET rowid = :r WHERE id = :i"),
                    {"r": secrets.randbits(62) + 1, "i": row.id})


def restamp_anonymous(session: Session) -> None:
    """The periodic job's entry point (`kasuhara desk scan`, the app's housekeeping loop)."""
    _restamp_anonymous_rows(session)


def _restamp_anonymous_rows(session: Session) -> None:
    """On PostgreSQL every row carries the id of the transaction that wrote it (`xmin`), which orders
    it against audited transactions and so dates it. Rewriting the consulter's rows in the desk's
    transaction replaces that id with the desk's, whose time is no secret."""
    if session.get_bind().dialect.name != "postgresql":
        return
    anonymous = select(Consultation.id).where(Consultation.kind == "anonymous").scalar_subquery()
    session.execute(
        update(Consultation).where(Consultation.kind == "anonymous").values(failed_attempts=Consultation.failed_attempts)
    )
    session.execute(
        update(ConsultationMessage)
        .where(ConsultationMessage.author == "consulter", ConsultationMessage.consultation_id.in_(anonymous))
        .values(seq=ConsultationMessage.seq)
    )


def _subject_or_placeholder(cipher: FieldCipher, consultation: Consultation) -> str:
    """One row written under another key must not hide the whole inbox from the desk."""
    try:
        return cipher.decrypt(consultation.subject_enc, field="consultations.subject")
    except DecryptionError:
        return "〔復号できません / cannot decrypt: check KASUHARA_ENCRYPTION_KEY〕"


def inbox(
    session: Session, *, cipher: FieldCipher, user: User, today: date, include_closed: bool = False
) -> list[dict[str, Any]]:
    """The desk's inbox with deadlines; overdue first. Reading it is audited."""
    _require_desk(user)
    _restamp_anonymous_rows(session)
    row = desk_settings(session)
    stmt = select(Consultation)
    if not include_closed:
        stmt = stmt.where(Consultation.status != "closed")
    items: list[dict[str, Any]] = []
    for c in session.scalars(stmt.order_by(Consultation.received_on)):
        items.append(
            {
                "id": c.id,
                "kind": c.kind,
                "category": c.category,
                "status": c.status,
                "received_on": c.received_on.isoformat(),
                "subject": _subject_or_placeholder(cipher, c),
                "deadline": deadline_info(row, c, today),
                "incident_id": c.incident_id,
                "customer_id": c.customer_id,
            }
        )
    items.sort(key=lambda i: (not bool(i["deadline"] and i["deadline"]["overdue"]), i["received_on"]))
    # No count in the entry: admins read the audit log, and a live count is the statistic they get coarse.
    audit.record(session, actor=user, action="consultation.inbox", target_type="consultation", target_id="*")
    return items


def desk_get(session: Session, *, user: User, consultation_id: str) -> Consultation:
    _require_desk(user)
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFoundError(Message("相談が見つかりません", "consultation not found"))
    return consultation


def desk_view(
    session: Session, *, cipher: FieldCipher, user: User, consultation_id: str, today: date
) -> dict[str, Any]:
    """The whole consultation for the desk, with the named consulter's identity. Audited."""
    consultation = desk_get(session, user=user, consultation_id=consultation_id)
    view = consulter_view(session, cipher=cipher, consultation=consultation)
    view["messages"] = thread(session, cipher=cipher, consultation=consultation, include_internal=True)
    view["deadline"] = deadline_info(desk_settings(session), consultation, today)
    view["incident_id"] = consultation.incident_id
    view["customer_id"] = consultation.customer_id
    view["closed_on"] = consultation.closed_on.isoformat() if consultation.closed_on else None
    consulter = session.get(User, consultation.consulter_id) if consultation.consulter_id else None
    view["consulter"] = (
        {"id": consulter.id, "name": consulter.display_name, "email": consulter.email} if consulter else None
    )
    audit.record(session, actor=user, action="consultation.read", target_type="consultation",
                 target_id=consultation.id)
    return view


def desk_reply(
    session: Session, *, cipher: FieldCipher, user: User, consultation_id: str, body: str, kind: str, today: date
) -> None:
    """A reply, a question to the consulter, or an internal note only the desk sees."""
    consultation = desk_get(session, user=user, consultation_id=consultation_id)
    if kind not in MESSAGE_KINDS or kind == "message":
        raise InputError(
            [FieldProblem("kind", Message("選べない値です", "not an allowed value"), ("reply", "question", "internal"))]
        )
    _add_message(session, cipher=cipher, consultation=consultation, author="desk", author_id=user.id, kind=kind,
                 body=_text("body", body), on=today)
    if kind != "internal":
        if consultation.first_replied_on is None:
            consultation.first_replied_on = today
        consultation.waiting_since = None
        if consultation.status != "closed":
            consultation.status = "answered"
    audit.record(session, actor=user, action=f"consultation.{kind}", target_type="consultation",
                 target_id=consultation.id)


def _evaluate_customer(session: Session, customer_id: int | None) -> None:
    """The desk's linking counts towards the repeat-offender threshold (at the desk's time, not the consulter's)."""
    if customer_id is None:
        return
    from kasuhara.services import offenders

    session.flush()
    offenders.evaluate(session, customer_id=customer_id, today=japan_today())


def link_incident(session: Session, *, user: User, consultation_id: str, incident_id: int | None) -> None:
    """Connect the consultation to an incident in the case files (and so to its customer)."""
    consultation = desk_get(session, user=user, consultation_id=consultation_id)
    if incident_id is not None:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFoundError(Message("事案が見つかりません", "incident not found"))
        if incident.customer_id is not None and consultation.customer_id is None:
            consultation.customer_id = incident.customer_id
    consultation.incident_id = incident_id
    _evaluate_customer(session, consultation.customer_id)
    audit.record(session, actor=user, action="consultation.link", target_type="consultation",
                 target_id=consultation.id, detail={"incident_id": incident_id})


def link_customer(session: Session, *, user: User, consultation_id: str, customer_id: int | None) -> None:
    consultation = desk_get(session, user=user, consultation_id=consultation_id)
    consultation.customer_id = customer_id
    _evaluate_customer(session, customer_id)
    audit.record(session, actor=user, action="consultation.link_customer", target_type="consultation",
                 target_id=consultation.id, detail={"customer_id": customer_id})


def close(session: Session, *, user: User, consultation_id: str, today: date) -> None:
    consultation = desk_get(session, user=user, consultation_id=consultation_id)
    consultation.status = "closed"
    consultation.closed_on = today
    consultation.waiting_since = None
    audit.record(session, actor=user, action="consultation.close", target_type="consultation",
                 target_id=consultation.id)


def counts(session: Session) -> dict[str, int]:
    """Live numbers by status: for the desk only (a live count dates each new consultation)."""
    rows = session.execute(select(Consultation.status, func.count()).group_by(Consultation.status)).all()
    return {str(status): int(n) for status, n in rows}


SMALL_COUNT = 5
"""Counts below this are shown as 「5件未満」: a 1 or a 2 in a small company points at people."""
COARSE_WEEKS = 12
COARSE_MONTHS = 12


def _coarse(n: int) -> int | str:
    return n if n == 0 or n >= SMALL_COUNT else f"<{SMALL_COUNT}"


def coarse_counts(session: Session, *, today: date) -> dict[str, Any]:
    """Consultations received per finished week and finished month, small counts suppressed.

    For admins, auditors and reports. A period is counted only once it is over, so polling shows
    nothing for weeks: no count changes the moment someone consults, and two readings a day apart
    cannot be subtracted to find the day. Statuses are not given (they move when a consulter writes).
    """
    this_week = today - timedelta(days=today.weekday())
    this_month = today.replace(day=1)
    first_week = this_week - timedelta(weeks=COARSE_WEEKS)
    first_month = this_month
    for _ in range(COARSE_MONTHS):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    start = min(first_week, first_month)
    days = list(session.scalars(select(Consultation.received_on).where(
        Consultation.received_on >= start, Consultation.received_on < max(this_week, this_month))))
    weeks = []
    for i in range(COARSE_WEEKS, 0, -1):
        begin = this_week - timedelta(weeks=i)
        weeks.append({"week_of": begin.isoformat(),
                      "received": _coarse(sum(begin <= d < begin + timedelta(weeks=1) for d in days))})
    months = []
    begin = first_month
    while begin < this_month:
        end = (begin + timedelta(days=32)).replace(day=1)
        months.append({"month": begin.strftime("%Y-%m"), "received": _coarse(sum(begin <= d < end for d in days))})
        begin = end
    return {
        "weeks": weeks,
        "months": months,
        "weeks_until": this_week.isoformat(),
        "months_until": this_month.isoformat(),
        "note_ja": f"終わった週・月だけを数えます。{SMALL_COUNT}件未満は「{SMALL_COUNT}件未満」と表示します。",
        "note_en": f"Finished weeks and months only; counts below {SMALL_COUNT} are shown as <{SMALL_COUNT}.",
    }
