"""Sites: everyone signed in may list them (to report); admins create and change them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from kasuhara.services import sites as service
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, IdPath, InputSchema, Schema, Text
from kasuhara.web.deps import CurrentUser, SessionDep, require_role

router = APIRouter(prefix="/sites", tags=["sites"], responses=ERRORS)

Admin = Annotated[User, require_role("admin")]
Pref = Annotated[Text | None, Field(max_length=2, description="JIS都道府県コード / prefecture code 01-47")]
Muni = Annotated[Text | None, Field(max_length=6, description="市区町村コード / municipality code")]


class SiteIn(InputSchema):
    code: Annotated[Text, Field(min_length=1, max_length=32)]
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    prefecture_code: Pref = None
    municipality_code: Muni = None
    address: Annotated[Text | None, Field(max_length=200)] = None


class SitePatch(InputSchema):
    name: Annotated[Text | None, Field(min_length=1, max_length=100)] = None
    prefecture_code: Pref = None
    municipality_code: Muni = None
    address: Annotated[Text | None, Field(max_length=200)] = None
    is_active: bool | None = None


class SiteOut(Schema):
    id: int
    code: str
    name: str
    prefecture_code: str | None
    municipality_code: str | None
    address: str | None
    is_active: bool
    created_at: datetime


@router.get("", response_model=list[SiteOut])
def list_sites(user: CurrentUser, session: SessionDep, include_inactive: bool = False) -> list[SiteOut]:
    """拠点一覧 / sites."""
    rows = service.list_sites(session=session, include_inactive=include_inactive)
    return [SiteOut.model_validate(s) for s in rows]


@router.post("", response_model=SiteOut, status_code=201)
def create_site(body: SiteIn, admin: Admin, session: SessionDep) -> SiteOut:
    """拠点を追加 / add a site."""
    site = service.create(session=session, actor=admin, **body.model_dump())
    session.commit()
    return SiteOut.model_validate(site)


@router.patch("/{site_id}", response_model=SiteOut)
def update_site(site_id: IdPath, body: SitePatch, admin: Admin, session: SessionDep) -> SiteOut:
    """拠点を変更 / change a site."""
    site = service.update(session=session, actor=admin, site_id=site_id, **body.model_dump())
    session.commit()
    return SiteOut.model_validate(site)
