"""Documents: the kinds, generation (PDF, DOCX, HTML) from the stored settings, and the self-check."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import Field

from kasuhara.services import documents as service
from kasuhara.services import selfcheck as selfcheck_service
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, MAX_ID, InputSchema, Schema
from kasuhara.web.deps import CurrentUser, SessionDep, require_role

router = APIRouter(prefix="/documents", tags=["documents"], responses=ERRORS)

Maker = Annotated[User, require_role("admin", "supervisor", "desk")]
Reader = Annotated[User, require_role("admin", "auditor", "desk")]
Admin = Annotated[User, require_role("admin")]


class KindOut(Schema):
    id: str
    title: str
    description: str
    needs_incident: bool
    sizes: list[str]


class GenerateIn(InputSchema):
    format: Literal["pdf", "docx", "html"] = "pdf"
    lang: Literal["ja", "en"] = "ja"
    size: Literal["A4", "A3"] = "A4"
    incident_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None
    customer_name: Annotated[str, Field(max_length=200)] = ""
    customer_address: Annotated[str, Field(max_length=300)] = ""
    on_behalf_of: Annotated[str, Field(max_length=200)] = ""


class ApproveIn(InputSchema):
    approver_title: Annotated[str, Field(max_length=200)]
    note: Annotated[str, Field(max_length=2000)] = ""


class ApprovalOut(Schema):
    kind: str
    name: str
    title: str
    on: str


class SelfCheckQuestionOut(Schema):
    id: str
    category: str
    answer: str
    origin: str
    evidence: str
    text: str


class SelfCheckGapOut(Schema):
    id: str
    text: str
    advice: str


class SelfCheckCategoryOut(Schema):
    id: str
    label: str
    score: int


class SelfCheckOut(Schema):
    score: int
    categories: list[SelfCheckCategoryOut]
    questions: list[SelfCheckQuestionOut]
    gaps: list[SelfCheckGapOut]


class AnswersIn(InputSchema):
    answers: dict[Annotated[str, Field(max_length=60)], Literal["yes", "partial", "no"]]


def content_disposition(filename: str) -> str:
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


@router.get("/kinds", response_model=list[KindOut])
def list_kinds(user: CurrentUser, session: SessionDep, lang: Literal["ja", "en"] = "ja") -> list[KindOut]:
    """文書の種類（会社の業種に合うもの） / the documents offered to the company's industry."""
    offered = service.offered_kinds(session=session)
    session.rollback()  # reading may have created the settings row: a GET saves nothing
    return [
        KindOut(id=k.id, title=k.title.in_(lang), description=k.description.in_(lang), needs_incident=k.needs_incident, sizes=list(k.sizes))
        for k in offered
    ]


@router.post("/{kind}", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def generate(kind: Annotated[str, Path(max_length=40)], body: GenerateIn, user: Maker, session: SessionDep) -> Response:
    """文書を生成してダウンロード / generate a document and download it."""
    made = service.generate(
        session=session, actor=user, kind=kind, fmt=body.format, lang=body.lang, size=body.size, incident_id=body.incident_id,
        extra={"customer_name": body.customer_name, "customer_address": body.customer_address,
               "on_behalf_of": body.on_behalf_of},
    )
    session.commit()
    return Response(made.content, media_type=made.media_type, headers={"Content-Disposition": content_disposition(made.filename)})


@router.post("/{kind}/approvals", response_model=ApprovalOut, status_code=201)
def approve(kind: Annotated[str, Path(max_length=40)], body: ApproveIn, user: Admin, session: SessionDep) -> ApprovalOut:
    """文書の承認（署名欄に承認者と日付が入る） / approve a document kind: its signature block is filled from now on."""
    row = service.approve(session=session, actor=user, kind=kind, approver_title=body.approver_title, note=body.note)
    session.commit()
    found = service.latest_approval(session=session, kind=row.kind)
    assert found is not None
    return ApprovalOut(kind=row.kind, name=found.name, title=found.title, on=found.on.isoformat())


@router.get("/selfcheck/result", response_model=SelfCheckOut)
def selfcheck_result(user: Reader, session: SessionDep, lang: Literal["ja", "en"] = "ja") -> SelfCheckOut:
    """自己点検の結果（点数と不足事項） / the self-check score and gaps."""
    result = selfcheck_service.result(session=session, lang=lang)
    session.commit()
    return SelfCheckOut.model_validate(result.to_dict(lang))


@router.put("/selfcheck/answers", response_model=SelfCheckOut)
def selfcheck_answers(body: AnswersIn, user: Admin, session: SessionDep, lang: Literal["ja", "en"] = "ja") -> SelfCheckOut:
    """自己点検の回答を保存 / store self-check answers."""
    selfcheck_service.save_answers(session=session, actor=user, answers=body.answers)
    result = selfcheck_service.result(session=session, lang=lang)
    session.commit()
    return SelfCheckOut.model_validate(result.to_dict(lang))
