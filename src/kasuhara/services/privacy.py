"""Privacy: retention periods with a purge that really deletes, and a subject-access export.

The purge deletes rows (no soft delete); on SQLite it turns on `secure_delete` so freed pages are
overwritten, and the CLI checkpoints the WAL and vacuums afterwards. The export walks every table
in the shared metadata, so tables other areas add later are included without editing this file:
every row that points at the person (a foreign key to users or customers), the rows hanging off
those, and the audit entries they caused; secrets (password and key hashes) are left out and
encrypted fields are decrypted. Consultation content is withheld from a customer's export
(protecting the employees who consulted, APPI Art. 33(2)(i)), and anonymous consultations are never
part of any person's export, because nothing links them to one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, select, text, update
from sqlalchemy.orm import Session

from kasuhara.desk.crypto import FieldCipher
from kasuhara.errors import Message, NotFoundError
from kasuhara.services import audit, audit_redaction
from kasuhara.store.base import Base
from kasuhara.store.models.audit import AuditEntry
from kasuhara.store.models.care import CareCheckIn, CareRecord, CareSupport
from kasuhara.store.models.consultation import Consultation, ConsultationMessage
from kasuhara.store.models.customers import Customer
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.offender import DeterrenceDecision
from kasuhara.store.models.users import User

SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "csrf_token", "key_hash", "passphrase_hash", "hash",
                            "prev_hash"})
SECRET_FIELDS = frozenset({"mail_outbox.body"})
"""An unsent mail's body holds a live one-time link: it goes to its addressee by mail, never in an export."""
EXPAND_CHILDREN = frozenset({"consultations", "care_records", "incidents", "customers"})


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def purge(session: Session, *, today: date) -> dict[str, int]:
    """Delete what is past the company's retention periods. Returns how many rows of each kind."""
    from kasuhara.services.consultations import desk_settings

    row = desk_settings(session)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete=ON"))
    counts: dict[str, int] = {}

    c_cut = today - timedelta(days=row.retention_consultation_days)
    old_consultations = list(
        session.scalars(
            select(Consultation.id).where(Consultation.status == "closed", Consultation.closed_on <= c_cut)
        )
    )
    if old_consultations:
        session.execute(delete(ConsultationMessage).where(ConsultationMessage.consultation_id.in_(old_consultations)))
        session.execute(delete(Consultation).where(Consultation.id.in_(old_consultations)))
    counts["consultations"] = len(old_consultations)

    care_cut = today - timedelta(days=row.retention_care_days)
    old_care = list(
        session.scalars(select(CareRecord.id).where(CareRecord.status == "closed", CareRecord.closed_on <= care_cut))
    )
    if old_care:
        session.execute(delete(CareCheckIn).where(CareCheckIn.record_id.in_(old_care)))
        session.execute(delete(CareSupport).where(CareSupport.record_id.in_(old_care)))
        session.execute(delete(CareRecord).where(CareRecord.id.in_(old_care)))
    counts["care_records"] = len(old_care)

    purged_customers = _purge_customers(session, cutoff=today - timedelta(days=row.retention_customer_days),
                                        today=today)
    counts["customers"] = len(purged_customers)
    session.flush()
    counts["audit_entries_redacted"] = audit_redaction.redact(
        session, seqs=personal_audit_entries(session, customers=purged_customers, consultations=old_consultations,
                                             care_records=old_care),
        reason=f"privacy.purge {today.isoformat()}")
    session.expire_all()
    audit.record(session, actor=None, action="privacy.purge", target_type="privacy", target_id=today.isoformat(),
                 detail=counts)
    return counts


LEGACY_PERSONAL_DETAIL: dict[str, tuple[str, ...]] = {
    "customer.search": ("q",),
    "customer.update": ("display_name",),
    "user.create": ("email",),
    "user.update": ("display_name",),
    "care.open": ("employee_id",),
    "care.support": ("kind",),
    "settings.update": ("desk_name", "desk_phone", "desk_email", "desk_note"),
}
"""Keys under which entries written before issue 14 kept personal data (search terms, names, e-mail
addresses, who gets care): the purge redacts such entries wherever they are. Newer entries hold ids."""
_PLACEHOLDERS = ("changed", "")


def personal_audit_entries(session: Session, *, customers: Iterable[int], consultations: Iterable[str],
                           care_records: Iterable[int]) -> list[int]:
    """Entries to redact: every detail about a purged subject, and legacy entries holding personal data."""
    targets = {("customer", str(i)) for i in customers} | {("consultation", str(i)) for i in consultations}
    targets |= {("care_record", str(i)) for i in care_records}
    found: list[int] = []
    stmt = select(AuditEntry.seq, AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id,
                  AuditEntry.detail).execution_options(yield_per=2000)
    for seq, action, target_type, target_id, detail in session.execute(stmt):
        if not detail or audit_redaction.is_redacted(detail):
            continue
        keys = LEGACY_PERSONAL_DETAIL.get(action, ())
        legacy = any(detail.get(k) not in _PLACEHOLDERS and k in detail for k in keys)
        about_purged = (target_type, target_id) in targets
        if legacy or about_purged:
            found.append(int(seq))
    return found


def _purge_customers(session: Session, *, cutoff: date, today: date) -> list[int]:
    """Customers with no activity since the cutoff and no measure still in force."""
    cut = _start_of(cutoff)
    expired: list[int] = []
    for customer in session.scalars(select(Customer)):
        last_incident = session.scalar(select(func.max(Incident.occurred_at)).where(Incident.customer_id == customer.id))
        last_consult = session.scalar(
            select(func.max(Consultation.received_on)).where(Consultation.customer_id == customer.id)
        )
        active = session.scalar(
            select(func.count()).where(
                DeterrenceDecision.customer_id == customer.id,
                DeterrenceDecision.active,
                (DeterrenceDecision.review_on.is_(None)) | (DeterrenceDecision.review_on > today),
            )
        )
        recent = (
            customer.created_at >= cut
            or (last_incident is not None and last_incident >= cut)
            or (last_consult is not None and last_consult >= cutoff)
        )
        if not recent and not active:
            expired.append(customer.id)
    if not expired:
        return []
    customers = Base.metadata.tables["customers"]
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not any(fk.column.table is customers for fk in column.foreign_keys):
                continue
            if column.nullable:
                values: dict[str, Any] = {column.name: None}
                if "version" in table.c:
                    values["version"] = table.c.version + 1
                session.execute(update(table).where(column.in_(expired)).values(**values))
            else:
                session.execute(delete(table).where(column.in_(expired)))
    session.execute(delete(customers).where(customers.c.id.in_(expired)))
    return expired


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row_dict(table: Table, row: Any, cipher: FieldCipher) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        name = column.name
        if name in SECRET_COLUMNS or f"{table.name}.{name}" in SECRET_FIELDS:
            continue
        value = getattr(row, name)
        if name.endswith("_enc") and isinstance(value, str) and value:
            out[name[: -len("_enc")]] = cipher.decrypt(value, field=f"{table.name}.{name[: -len('_enc')]}")
        else:
            out[name] = _plain(value)
    return out


def _references(table: Table, target: str) -> list[Any]:
    return [c for c in table.columns if any(fk.column.table.name == target for fk in c.foreign_keys)]


def _pk_values(table: Table, rows: Iterable[Any]) -> list[Any]:
    pk = list(table.primary_key.columns)
    return [getattr(r, pk[0].name) for r in rows] if len(pk) == 1 else []


# Records that belong to one employee although others (the desk) also wrote them: a desk member's
# export holds their own consultations and care, not everyone they helped.
_OWNER = {"consultations": "consulter_id", "care_records": "employee_id"}
_PARENT = {
    "consultation_messages": ("consultation_id", "consultations"),
    "care_check_ins": ("record_id", "care_records"),
    "care_supports": ("record_id", "care_records"),
}


def _about_user(table: str, row: Any, user_id: int, seen: dict[str, set[Any]]) -> bool:
    if table in _OWNER:
        return bool(getattr(row, _OWNER[table]) == user_id and getattr(row, "kind", "named") != "anonymous")
    if table in _PARENT:
        column, parent = _PARENT[table]
        return (getattr(row, column),) in seen.get(parent, set())
    return True


def export(session: Session, *, cipher: FieldCipher, user_id: int | None = None,
           customer_id: int | None = None) -> dict[str, Any]:
    """Everything held about one employee (`user_id`) or one customer (`customer_id`)."""
    if (user_id is None) == (customer_id is None):
        raise ValueError("give exactly one of user_id, customer_id")
    target_table = "users" if user_id is not None else "customers"
    subject_id = user_id if user_id is not None else customer_id
    model = User if user_id is not None else Customer
    if session.get(model, subject_id) is None:
        raise NotFoundError(Message("対象が見つかりません", "no such person"))
    tables = Base.metadata.tables
    result: dict[str, list[dict[str, Any]]] = {}
    withheld: list[dict[str, Any]] = []
    seen: dict[str, set[Any]] = {}

    def add(table: Table, rows: Iterable[Any]) -> list[Any]:
        kept = []
        for r in rows:
            pk = tuple(getattr(r, c.name) for c in table.primary_key.columns)
            if pk in seen.setdefault(table.name, set()):
                continue
            if user_id is not None and not _about_user(table.name, r, user_id, seen):
                continue
            if table.name == "consultations" and customer_id is not None:
                withheld.append({"table": "consultations", "id": r.id, "received_on": _plain(r.received_on),
                                 "reason_ja": "相談者保護のため内容は開示しません",
                                 "reason_en": "withheld to protect the employee who consulted"})
                seen[table.name].add(pk)
                continue
            seen[table.name].add(pk)
            kept.append(r)
            result.setdefault(table.name, []).append(_row_dict(table, r, cipher))
        return kept

    own = tables[target_table]
    add(own, session.execute(select(own).where(own.c.id == subject_id)).all())
    direct: list[tuple[Table, list[Any]]] = []
    for table in Base.metadata.sorted_tables:
        if table.name == target_table:
            continue
        cols = _references(table, target_table)
        if not cols:
            continue
        condition = cols[0] == subject_id
        for col in cols[1:]:
            condition = condition | (col == subject_id)
        rows = add(table, session.execute(select(table).where(condition)).all())
        direct.append((table, rows))
    for parent, rows in direct:
        if parent.name not in EXPAND_CHILDREN or not rows:
            continue
        keys = _pk_values(parent, rows)
        for child in Base.metadata.sorted_tables:
            for col in _references(child, parent.name):
                add(child, session.execute(select(child).where(col.in_(keys))).all())
    if user_id is not None:
        who = AuditEntry.actor_id == user_id
    else:
        who = (AuditEntry.target_type == "customer") & (AuditEntry.target_id == str(customer_id))
    audit_rows = session.scalars(select(AuditEntry).where(who).order_by(AuditEntry.seq))
    result["audit_log"] = [
        {"seq": a.seq, "at": _plain(a.at), "action": a.action, "target_type": a.target_type,
         "target_id": a.target_id}
        for a in audit_rows
    ]
    audit.record(session, actor=None, action="privacy.export", target_type=target_table.rstrip("s"),
                 target_id=subject_id)
    return {
        "subject": {"type": target_table.rstrip("s"), "id": subject_id},
        "generated_on": datetime.now(UTC).date().isoformat(),
        "tables": result,
        "withheld": withheld,
    }
