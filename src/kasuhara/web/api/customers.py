"""Customers: CRUD, identifiers (name, alias, phone, e-mail), and their history across reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from kasuhara.services import customers as service
from kasuhara.store.models.customers import IDENTIFIER_KINDS
from kasuhara.web.api._common import ERRORS, IdPath, InputSchema, Page, Schema, Text
from kasuhara.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/customers", tags=["customers"], responses=ERRORS)


class IdentifierIn(InputSchema):
    kind: Annotated[Text, Field(max_length=10, description="|".join(IDENTIFIER_KINDS))]
    value: Annotated[Text, Field(min_length=1, max_length=254)]


class IdentifierOut(Schema):
    id: int
    kind: str
    value: str
    normalized: str


class CustomerIn(InputSchema):
    display_name: Annotated[Text, Field(min_length=1, max_length=200)]
    note: Annotated[Text, Field(max_length=20000)] = ""
    identifiers: Annotated[list[IdentifierIn], Field(default_factory=list, max_length=50)]


class CustomerPatch(InputSchema):
    display_name: Annotated[Text | None, Field(min_length=1, max_length=200)] = None
    note: Annotated[Text | None, Field(max_length=20000)] = None


class CustomerOut(Schema):
    id: int
    display_name: str
    note: str
    created_at: datetime
    identifiers: list[IdentifierOut]


class HistoryIncident(Schema):
    id: int
    site_id: int
    occurred_at: datetime
    channel: str
    title: str
    status: str
    determination: str | None


class HistoryDecision(Schema):
    id: int
    incident_id: int
    kind: str
    decided_at: datetime
    decided_by: int


class HistoryOut(Schema):
    customer: CustomerOut
    incidents: list[HistoryIncident]
    decisions: list[HistoryDecision]


@router.get("", response_model=Page[CustomerOut])
def list_customers(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[Text | None, Query(max_length=254, description="氏名・電話・メールで検索 / search")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[CustomerOut]:
    """顧客の検索 (表記ゆれを正規化して照合) / search customers by normalised identifiers."""
    rows, total = service.search(session=session, actor=user, q=q, limit=limit, offset=offset)
    session.commit()
    return Page[CustomerOut](items=[CustomerOut.model_validate(r) for r in rows], total=total, limit=limit,
                             offset=offset)


@router.post("", response_model=CustomerOut, status_code=201)
def create_customer(body: CustomerIn, user: CurrentUser, session: SessionDep) -> CustomerOut:
    """顧客を登録 / register a customer."""
    customer = service.create(session=session, actor=user, display_name=body.display_name, note=body.note,
                              identifiers=[(i.kind, i.value) for i in body.identifiers])
    session.commit()
    return CustomerOut.model_validate(customer)


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: IdPath, user: CurrentUser, session: SessionDep) -> CustomerOut:
    """顧客の詳細 / one customer."""
    customer = service.read(session=session, actor=user, customer_id=customer_id)
    session.commit()
    return CustomerOut.model_validate(customer)


@router.patch("/{customer_id}", response_model=CustomerOut)
def update_customer(customer_id: IdPath, body: CustomerPatch, user: CurrentUser, session: SessionDep) -> CustomerOut:
    """顧客情報の修正 / change a customer."""
    customer = service.update(session=session, actor=user, customer_id=customer_id, **body.model_dump())
    session.commit()
    return CustomerOut.model_validate(customer)


@router.delete("/{customer_id}", status_code=204, response_class=Response)
def delete_customer(customer_id: IdPath, user: CurrentUser, session: SessionDep) -> Response:
    """顧客の削除 (事案に紐づかない場合のみ、管理者) / delete an unlinked customer (admins)."""
    service.delete(session=session, actor=user, customer_id=customer_id)
    session.commit()
    return Response(status_code=204)


@router.post("/{customer_id}/identifiers", response_model=IdentifierOut, status_code=201)
def add_identifier(customer_id: IdPath, body: IdentifierIn, user: CurrentUser, session: SessionDep) -> IdentifierOut:
    """識別情報を追加 / add an identifier."""
    ident = service.add_identifier(session=session, actor=user, customer_id=customer_id, kind=body.kind,
                                   value=body.value)
    session.commit()
    return IdentifierOut.model_validate(ident)


@router.delete("/{customer_id}/identifiers/{identifier_id}", status_code=204, response_class=Response)
def remove_identifier(customer_id: IdPath, identifier_id: IdPath, user: CurrentUser,
                      session: SessionDep) -> Response:
    """識別情報を削除 / remove an identifier."""
    service.remove_identifier(session=session, actor=user, customer_id=customer_id, identifier_id=identifier_id)
    session.commit()
    return Response(status_code=204)


@router.get("/{customer_id}/history", response_model=HistoryOut)
def customer_history(customer_id: IdPath, user: CurrentUser, session: SessionDep) -> HistoryOut:
    """顧客の事案・対応の履歴 (全拠点) / every report and decision about this customer."""
    found = service.history(session=session, actor=user, customer_id=customer_id)
    session.commit()
    return HistoryOut(
        customer=CustomerOut.model_validate(found.customer),
        incidents=[HistoryIncident.model_validate(i) for i in found.incidents],
        decisions=[HistoryDecision.model_validate(d) for d in found.decisions],
    )
