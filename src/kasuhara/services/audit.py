"""The audit trail: every write and every read of a case, hash-chained so tampering shows.

`record()` queues an entry on the session; just before the session commits, the queued entries
are chained onto the log under a lock (an advisory lock on PostgreSQL; SQLite's write lock is
already held), so concurrent transactions never fork the chain and the lock is held only for
the last moment of the transaction. A rolled-back transaction leaves no audit row, as it left no
change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from kasuhara.store.models.audit import GENESIS_HASH, AuditEntry
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow

_PENDING = "kasuhara.audit.pending"
_ADVISORY_LOCK_ID = 5_207_001
# Built once: a statement object memoises its cache key, so each commit only binds and runs it.
_LAST_ENTRY = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
_LOCK_CHAIN = text("SELECT pg_advisory_xact_lock(:k)")
_INSERT_ENTRIES = insert(cast(Table, AuditEntry.__table__))


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: object,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Queue one audit entry; it is written in the same transaction, at commit."""
    entry = {
        "actor_id": actor.id if actor is not None else None,
        "actor_label": actor.email if actor is not None else "system",
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "detail": json.loads(json.dumps(dict(detail or {}), default=str, ensure_ascii=False)),
    }
    session.info.setdefault(_PENDING, []).append(entry)


def canonical_at(at: datetime) -> str:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the row."""
    body = {
        "seq": seq,
        "at": canonical_at(at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK_CHAIN, {"k": _ADVISORY_LOCK_ID})


def write_pending(session: Session) -> None:
    """Chain the queued entries onto the log (called before commit).

    The rows go in with one Core INSERT on the session's connection (same transaction): nothing
    reads them back as objects, so the ORM's unit of work would only add cost.
    """
    pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    _lock_chain(session)
    last = session.execute(_LAST_ENTRY).first()
    seq, prev = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS_HASH)
    rows = []
    for entry in pending:
        seq += 1
        at = utcnow()
        digest = entry_hash(seq=seq, at=at, prev_hash=prev, **entry)
        rows.append({"seq": seq, "at": at, "prev_hash": prev, "hash": digest, **entry})
        prev = digest
    session.connection().execute(_INSERT_ENTRIES, rows)


def discard_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "broken_at": self.broken_at, "reason": self.reason}


def verify(*, session: Session, batch: int = 2000) -> ChainReport:
    """Walk the chain from the start: gaps, broken links and edited rows are all reported."""
    from kasuhara.services.audit_redaction import RedactionCheck

    expected_seq, prev, checked = 1, GENESIS_HASH, 0
    redactions = RedactionCheck()  # a purge-redacted row is vouched for by a later entry (audit_redaction)
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for row in session.scalars(stmt):
        if row.seq != expected_seq:
            return ChainReport(False, checked, row.seq, f"missing entry before seq {row.seq}")
        if row.prev_hash != prev:
            return ChainReport(False, checked, row.seq, "prev_hash does not match the previous entry")
        if redactions.redacted(row):
            prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
            continue
        digest = entry_hash(
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            detail=row.detail,
            prev_hash=row.prev_hash,
        )
        if digest != row.hash:
            return ChainReport(False, checked, row.seq, "entry was modified (hash mismatch)")
        if problem := redactions.vouch(row):
            return ChainReport(False, checked, row.seq, problem)
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    if (unvouched := redactions.unvouched()) is not None:
        return ChainReport(False, checked, unvouched, "entry was redacted without a redaction record")
    return ChainReport(True, checked)


def list_entries(
    *,
    session: Session,
    target_type: str | None = None,
    target_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    from sqlalchemy import func

    stmt = select(AuditEntry)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)).all()
    return list(rows), int(total)


def _install() -> None:
    from sqlalchemy import event

    event.listen(Session, "before_commit", write_pending)
    event.listen(Session, "after_rollback", discard_pending)


_install()
