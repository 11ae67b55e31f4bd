"""The audit log for auditors and admins: browse it, and verify the hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kasuhara.services import audit as service
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, MAX_ID, Page, Schema, Text
from kasuhara.web.deps import SessionDep, require_role

router = APIRouter(prefix="/audit", tags=["audit"], responses=ERRORS)

Reader = Annotated[User, require_role("auditor", "admin")]


class AuditOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class VerifyOut(Schema):
    ok: bool
    checked: int
    broken_at: int | None
    reason: str


@router.get("", response_model=Page[AuditOut])
def list_audit(
    reader: Reader,
    session: SessionDep,
    target_type: Annotated[Text | None, Query(max_length=40)] = None,
    target_id: Annotated[Text | None, Query(max_length=64)] = None,
    actor_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    action: Annotated[Text | None, Query(max_length=60)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[AuditOut]:
    """監査ログ (新しい順) / the audit log, newest first; reading it is itself audited."""
    rows, total = service.list_entries(session=session, target_type=target_type, target_id=target_id,
                                       actor_id=actor_id, action=action, limit=limit, offset=offset)
    service.record(session, actor=reader, action="audit.read", target_type="audit_log", target_id="*",
                   detail={"returned": len(rows)})
    session.commit()
    return Page[AuditOut](items=[AuditOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/verify", response_model=VerifyOut)
def verify_audit(reader: Reader, session: SessionDep) -> VerifyOut:
    """ハッシュチェーンの検証 / verify the hash chain (tampering shows as `ok: false`)."""
    report = service.verify(session=session)
    return VerifyOut(**report.to_dict())
