"""Redacting personal data out of old audit entries without losing the chain's proof.

An entry's hash covers its detail, so blanking the detail alone would look like tampering. When the
purge redacts an entry it first checks the entry is intact, then replaces the detail with a marker
and writes one new `audit.redact` entry listing, for each redacted seq, a digest of everything the
row still holds (seq, time, actor, action, target, hashes). `verify` then accepts a redacted row if
and only if a later, itself verified, `audit.redact` entry vouches for exactly that row: editing a
redacted row, redacting one by hand, or editing the vouching entry are all still detected. The
links between rows (`prev_hash` → `hash`) are untouched, so gaps and rewrites show as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.store.models.audit import AuditEntry

REDACTED_KEY = "redacted"
REDACT_ACTION = "audit.redact"


def is_redacted(detail: Mapping[str, Any] | None) -> bool:
    return bool(detail) and set(detail or {}) == {REDACTED_KEY}


def fields_digest(row: AuditEntry) -> str:
    """SHA-256 over what a redacted row still holds (its detail is only the marker)."""
    from kasuhara.services.audit import canonical_at

    body = {"seq": row.seq, "at": canonical_at(row.at), "actor_id": row.actor_id, "actor_label": row.actor_label,
            "action": row.action, "target_type": row.target_type, "target_id": row.target_id,
            "detail": row.detail, "prev_hash": row.prev_hash, "hash": row.hash}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _intact(session: Session, row: AuditEntry) -> bool:
    from kasuhara.services import audit

    return audit.row_intact(session, row)


def redact(session: Session, *, seqs: Iterable[int], reason: str) -> int:
    """Blank the detail of these entries (intact ones only) and queue the vouching entry. Returns the count."""
    from kasuhara.services import audit

    vouched: list[list[object]] = []
    wanted = sorted(set(seqs))
    for start in range(0, len(wanted), 500):
        for row in session.scalars(select(AuditEntry).where(AuditEntry.seq.in_(wanted[start:start + 500]))):
            if is_redacted(row.detail) or not row.detail or not _intact(session, row):
                continue  # nothing to hide, or already broken: verify must keep reporting it
            row.detail = {REDACTED_KEY: reason}
            vouched.append([row.seq, fields_digest(row)])
    if vouched:
        session.flush()
        audit.record(session, actor=None, action=REDACT_ACTION, target_type="audit", target_id=reason,
                     detail={"entries": vouched})
    return len(vouched)


class RedactionCheck:
    """Used by `audit.verify` while it walks the chain: redacted rows wait for their vouching entry."""

    def __init__(self) -> None:
        self.waiting: dict[int, str] = {}

    def redacted(self, row: AuditEntry) -> bool:
        """True (and remembered) when the row is redacted, so its hash cannot be recomputed."""
        if not is_redacted(row.detail):
            return False
        self.waiting[row.seq] = fields_digest(row)
        return True

    def vouch(self, row: AuditEntry) -> str:
        """Check a (verified) `audit.redact` entry against the rows it names; an error text or ""."""
        if row.action != REDACT_ACTION:
            return ""
        for item in (row.detail or {}).get("entries", []):
            seq, digest = int(item[0]), str(item[1])
            if self.waiting.pop(seq, None) != digest:
                return f"redacted entry {seq} does not match its redaction record (seq {row.seq})"
        return ""

    def unvouched(self) -> int | None:
        return min(self.waiting) if self.waiting else None
