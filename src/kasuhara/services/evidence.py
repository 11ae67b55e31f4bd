"""Evidence: write-once files on a case, checked against their SHA-256 on every download.

Upload order: access is checked and that read transaction ended; the content is stored with no
transaction open (temporary file, hashed, flushed, renamed) and sniffed; the row is flushed; if anything after storing fails, the stored file is deleted again before the
error propagates, so a failed upload leaves neither a row nor a file. A process killed between
the rename and the commit leaves a file without a row, which `EvidenceStore.sweep` removes.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.errors import ConflictError, Message
from kasuhara.services import access, audit
from kasuhara.services import incidents as incident_service
from kasuhara.services._util import choice, field_error, get_or_404
from kasuhara.services.sniff import ALLOWED, sniff
from kasuhara.store.blobs import CHUNK, BlobTooLargeError, EvidenceStore
from kasuhara.store.engine import end_if_clean
from kasuhara.store.models.evidence import EVIDENCE_KINDS, Evidence
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.users import User


class EvidenceTooLargeError(ConflictError):
    """The upload is larger than the configured limit (HTTP 413)."""


class EvidenceIntegrityError(ConflictError):
    """The stored file no longer matches its recorded SHA-256."""


def upload(
    *,
    session: Session,
    store: EvidenceStore,
    actor: User,
    incident_id: int,
    stream: BinaryIO,
    filename: str,
    kind: str,
    description: str = "",
    max_bytes: int,
) -> Evidence:
    incident = _check_attach(session, actor, incident_id)
    choice("kind", kind, EVIDENCE_KINDS)
    # The file is written with no transaction open (on SQLite a transaction is the one writer
    # lock: a 45 MB upload held every other write for its whole copy and fsync), unless the
    # caller already has work in this transaction (several files in one page form); the row then
    # goes in with a short transaction of its own.
    end_if_clean(session)
    try:
        blob = store.put(stream, max_bytes=max_bytes)
    except BlobTooLargeError as exc:
        raise EvidenceTooLargeError(Message(
            f"ファイルが大きすぎます (上限 {max_bytes} バイト)", f"file too large (limit {max_bytes} bytes)"
        )) from exc
    try:
        content_type = sniff(blob.head)
        if content_type not in ALLOWED:
            raise field_error("file", "この種類のファイルは受け付けません (内容から判定)",
                              "this kind of file is not accepted (judged by its content)", ALLOWED)
        if blob.size == 0:
            raise field_error("file", "空のファイルです", "the file is empty")
        row = Evidence(
            incident_id=incident.id, kind=kind, filename=_safe_name(filename),
            content_type=content_type, size_bytes=blob.size, sha256=blob.sha256, storage_key=blob.key,
            description=description, uploaded_by=actor.id,
        )
        session.add(row)
        session.flush()
        incident_service.add_event(session, incident, actor, "evidence",
                                   detail={"evidence_id": row.id, "kind": kind, "sha256": blob.sha256})
        audit.record(session, actor=actor, action="evidence.upload", target_type="evidence", target_id=row.id,
                     detail={"incident_id": incident.id, "sha256": blob.sha256, "size": blob.size,
                             "content_type": content_type})
    except BaseException:
        store.delete(blob.key)
        raise
    return row


def _check_attach(session: Session, actor: User, incident_id: int) -> Incident:
    incident = incident_service.load(session=session, actor=actor, incident_id=incident_id)
    if not access.can_attach(session, actor, incident):
        raise access.deny()
    return incident


def _safe_name(filename: str) -> str:
    """The client's file name, for display only: storable text, no path, at most 255 characters."""
    name = filename.replace("\x00", "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = name.encode("utf-8", "replace").decode("utf-8")
    return (name or "evidence")[:255]


def commit_or_discard(*, session: Session, store: EvidenceStore, row: Evidence) -> None:
    """Commit the upload's transaction; if the commit fails the stored file goes too."""
    try:
        session.commit()
    except BaseException:
        session.rollback()
        store.delete(row.storage_key)
        raise
    store.settle(row.storage_key)


def list_for(*, session: Session, actor: User, incident_id: int) -> list[Evidence]:
    incident = incident_service.load(session=session, actor=actor, incident_id=incident_id)
    audit.record(session, actor=actor, action="evidence.list", target_type="incident", target_id=incident.id)
    return list(session.scalars(select(Evidence).where(Evidence.incident_id == incident_id).order_by(Evidence.id)))


def _load(session: Session, actor: User, evidence_id: int) -> Evidence:
    row = session.get(Evidence, evidence_id)
    if row is None:
        if actor.role in access.READ_ALL:
            get_or_404(session, Evidence, evidence_id, "証拠", "evidence")
        raise access.deny()
    incident_service.load(session=session, actor=actor, incident_id=row.incident_id)
    return row


def metadata(*, session: Session, actor: User, evidence_id: int) -> Evidence:
    row = _load(session, actor, evidence_id)
    audit.record(session, actor=actor, action="evidence.metadata_read", target_type="evidence", target_id=row.id)
    return row


def verified_open(*, session: Session, store: EvidenceStore, actor: User, evidence_id: int) -> tuple[Evidence, BinaryIO]:
    """The file, after its hash was checked; a mismatch is audited, committed and raised."""
    row = _load(session, actor, evidence_id)
    digest = hashlib.sha256()
    try:
        with store.open(row.storage_key) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        ok = digest.hexdigest() == row.sha256
    except OSError:
        ok = False
    if not ok:
        audit.record(session, actor=actor, action="evidence.integrity_failure", target_type="evidence",
                     target_id=row.id, detail={"expected_sha256": row.sha256})
        session.commit()
        raise EvidenceIntegrityError(Message(
            "証拠ファイルが記録時のハッシュと一致しません (改ざんまたは破損)。管理者に連絡してください",
            "the evidence file does not match its recorded hash (tampered or damaged); tell an administrator",
        ))
    audit.record(session, actor=actor, action="evidence.read", target_type="evidence", target_id=row.id,
                 detail={"sha256": row.sha256})
    return row, store.open(row.storage_key)
