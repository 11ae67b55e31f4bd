"""Evidence: upload (size limit, type judged by content), list, metadata, verified download."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import StreamingResponse

from kasuhara.services import evidence as service
from kasuhara.store.blobs import CHUNK
from kasuhara.store.models.evidence import EVIDENCE_KINDS
from kasuhara.web.api._common import ERRORS, IdPath, Schema, Text
from kasuhara.web.deps import CurrentUser, EvidenceStoreDep, SessionDep, SettingsDep

router = APIRouter(tags=["evidence"], responses=ERRORS)


class EvidenceOut(Schema):
    id: int
    incident_id: int
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    description: str
    uploaded_by: int
    uploaded_at: datetime


@router.post("/incidents/{incident_id}/evidence", response_model=EvidenceOut, status_code=201,
             responses={413: {"description": "ファイルが大きすぎる / too large"}})
def upload_evidence(
    incident_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    store: EvidenceStoreDep,
    file: Annotated[UploadFile, File(description="録音・写真・スクリーンショット・文字起こし等 / the file")],
    kind: Annotated[Text, Form(max_length=20, description="|".join(EVIDENCE_KINDS))] = "other",
    description: Annotated[Text, Form(max_length=5000)] = "",
    csrf_token: Annotated[Text | None, Form(max_length=200, description="Cookie利用時 / with a cookie session")] = None,
) -> EvidenceOut:
    """証拠を添付 (改変不可・SHA-256記録) / attach write-once evidence; its SHA-256 is recorded."""
    row = service.upload(
        session=session, store=store, actor=user, incident_id=incident_id, stream=file.file,
        filename=file.filename or "evidence", kind=kind, description=description,
        max_bytes=settings.max_upload_bytes,
    )
    service.commit_or_discard(session=session, store=store, row=row)
    return EvidenceOut.model_validate(row)


@router.get("/incidents/{incident_id}/evidence", response_model=list[EvidenceOut])
def list_evidence(incident_id: IdPath, user: CurrentUser, session: SessionDep) -> list[EvidenceOut]:
    """事案の証拠一覧 / evidence attached to an incident."""
    rows = service.list_for(session=session, actor=user, incident_id=incident_id)
    session.commit()
    return [EvidenceOut.model_validate(r) for r in rows]


@router.get("/evidence/{evidence_id}", response_model=EvidenceOut)
def get_evidence(evidence_id: IdPath, user: CurrentUser, session: SessionDep) -> EvidenceOut:
    """証拠の情報 / evidence metadata."""
    row = service.metadata(session=session, actor=user, evidence_id=evidence_id)
    session.commit()
    return EvidenceOut.model_validate(row)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


@router.get("/evidence/{evidence_id}/content", response_class=StreamingResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_evidence(evidence_id: IdPath, user: CurrentUser, session: SessionDep,
                      store: EvidenceStoreDep) -> StreamingResponse:
    """証拠をダウンロード (ハッシュ照合済み、不一致は409と監査記録) / download after the hash check."""
    row, handle = service.verified_open(session=session, store=store, actor=user, evidence_id=evidence_id)
    session.commit()
    return StreamingResponse(
        _chunks(handle),
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}",
            "Content-Length": str(row.size_bytes),
            "X-Content-Type-Options": "nosniff",
            "X-Content-SHA256": row.sha256,
        },
    )


