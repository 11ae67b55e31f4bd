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

from sqlalchemy import Engine, Table, insert, select, text
from sqlalchemy.orm import Session

from kasuhara.config import Settings
from kasuhara.services import audit_seal as seal_module
from kasuhara.store.models.audit import GENESIS_HASH, AuditEntry
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow

_PENDING = "kasuhara.audit.pending"
_HEAD = "kasuhara.audit.head"
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
    key: bytes | None = None,
) -> str:
    """HMAC-SHA256 (with the audit key) or, for rows before the key, SHA-256 over the previous
    hash and the canonical JSON of the row."""
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
    if key is not None:
        return seal_module.keyed_hash(key, prev_hash + canonical)
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
    seal = seal_module.seal_for(session.get_bind().engine)
    key = seal.key if seal is not None else None
    rows = []
    at = utcnow()
    for entry in pending:
        seq += 1
        digest = entry_hash(seq=seq, at=at, prev_hash=prev, key=key, **entry)
        rows.append({"seq": seq, "at": at, "prev_hash": prev, "hash": digest, **entry})
        prev = digest
    session.connection().execute(_INSERT_ENTRIES, rows)
    if seal is not None:
        session.info[_HEAD] = (seq, prev, canonical_at(at))


def row_intact(session: Session, row: AuditEntry) -> bool:
    """The row's hash matches its content: keyed (with this engine's audit key) or, for rows older
    than the key, the unkeyed formula."""
    fields: dict[str, Any] = {"seq": row.seq, "at": row.at, "actor_id": row.actor_id, "actor_label": row.actor_label,
                              "action": row.action, "target_type": row.target_type, "target_id": row.target_id,
                              "detail": row.detail, "prev_hash": row.prev_hash}
    seal = seal_module.seal_for(session.get_bind().engine)
    if seal is not None and entry_hash(**fields, key=seal.key) == row.hash:
        return True
    return entry_hash(**fields) == row.hash


def checkpoint_committed(session: Session) -> None:
    """After a commit that added rows: append the signed checkpoint of the new head (outside the DB)."""
    head = session.info.pop(_HEAD, None)
    if head is None:
        return
    seal = seal_module.seal_for(session.get_bind().engine)
    if seal is not None:
        seal.checkpoint(seq=head[0], digest=head[1], at=head[2])


def configure(engine: Engine, settings: Settings, *, create_key: bool = False) -> seal_module.Seal | None:
    """Key this engine's chain and checkpoint it (the app at start, and each CLI command).

    Only the app creates the key file (`create_key`); a command finds it, or writes unkeyed rows
    to a database that was never keyed. The first use of a key for a database seals its head.
    """
    key = seal_module.load_key(configured=settings.audit_key, data_dir=settings.data_dir, create=create_key)
    if key is None:
        return None
    store = seal_module.FileCheckpointStore(settings.audit_checkpoint_path)
    seal = seal_module.Seal(key=key, store=store, db=seal_module.database_id(settings.database_url))
    if not any(isinstance(cp, seal_module.Checkpoint) for cp in seal.read()):
        try:
            with engine.connect() as conn:
                last = conn.execute(_LAST_ENTRY).first()
                conn.rollback()
        except Exception:  # no schema yet: nothing to seal
            last = None
        seq, digest = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS_HASH)
        seal.checkpoint(seq=seq, digest=digest, at=canonical_at(utcnow()))
    seal_module.register(engine, seal)
    return seal


def discard_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_HEAD, None)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "broken_at": self.broken_at, "reason": self.reason}


def verify(*, session: Session, batch: int = 2000, seal: seal_module.Seal | None = None) -> ChainReport:
    """Walk the chain from the start, then hold it against the signed checkpoints.

    Gaps, broken links and edited rows are reported with their seq; with a seal, rows from
    `keyed_from` on must carry the keyed hash, and a head older than the newest checkpoint
    (deleted rows) or a row that differs from its checkpoint (rewritten history) is reported too.
    """
    from kasuhara.services.audit_redaction import RedactionCheck

    seal = seal or seal_module.seal_for(session.get_bind().engine)
    expected_seq, prev, checked = 1, GENESIS_HASH, 0
    keyed_since: int | None = None
    hashes: dict[int, str] = {}
    points = seal.read() if seal is not None else []
    redactions = RedactionCheck()  # a purge-redacted row is vouched for by a later entry (audit_redaction)
    wanted = {cp.seq for cp in points if isinstance(cp, seal_module.Checkpoint)}
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for row in session.scalars(stmt):
        if row.seq != expected_seq:
            return ChainReport(False, checked, row.seq, f"missing entry before seq {row.seq}")
        if row.prev_hash != prev:
            return ChainReport(False, checked, row.seq, "prev_hash does not match the previous entry")
        if redactions.redacted(row):
            if row.seq in wanted:
                hashes[row.seq] = row.hash
            prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
            continue
        fields: dict[str, Any] = {"seq": row.seq, "at": row.at, "actor_id": row.actor_id, "actor_label": row.actor_label,
                  "action": row.action, "target_type": row.target_type, "target_id": row.target_id,
                  "detail": row.detail, "prev_hash": row.prev_hash}
        keyed_ok = seal is not None and entry_hash(**fields, key=seal.key) == row.hash
        if keyed_ok:
            keyed_since = keyed_since or row.seq
        elif keyed_since is not None:
            return ChainReport(False, checked, row.seq,
                               "entry was modified or re-hashed without the audit key "
                               f"(rows are keyed from seq {keyed_since})")
        elif entry_hash(**fields) != row.hash:
            return ChainReport(False, checked, row.seq, "entry was modified (hash mismatch)")
        if problem := redactions.vouch(row):
            return ChainReport(False, checked, row.seq, problem)
        if row.seq in wanted:
            hashes[row.seq] = row.hash
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    if (unvouched := redactions.unvouched()) is not None:
        return ChainReport(False, checked, unvouched, "entry was redacted without a redaction record")
    head = expected_seq - 1
    for cp in points:
        if not isinstance(cp, seal_module.Checkpoint):
            return ChainReport(False, checked, None,
                               f"checkpoint file line {cp} is not validly signed (checkpoints altered)")
        if cp.seq > head:
            return ChainReport(False, checked, head + 1,
                               f"entries from seq {head + 1} on were deleted (a checkpoint records seq {cp.seq})")
        if cp.seq > 0 and hashes.get(cp.seq) != cp.hash:
            return ChainReport(False, checked, cp.seq, f"history was rewritten: seq {cp.seq} differs from its checkpoint")
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
    event.listen(Session, "after_commit", checkpoint_committed)
    event.listen(Session, "after_rollback", discard_pending)


_install()
