"""Company settings: judgment thresholds and the company profile (admins change them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from kasuhara.services import company_settings as service
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, InputSchema, Schema, Text
from kasuhara.web.deps import CurrentUser, SessionDep, require_role

router = APIRouter(prefix="/settings", tags=["settings"], responses=ERRORS)

Admin = Annotated[User, require_role("admin")]
Limit = Annotated[int | None, Field(ge=1, le=100_000)]


class SettingsIn(InputSchema):
    company_name: Annotated[Text | None, Field(max_length=200)] = None
    industry: Annotated[Text | None, Field(max_length=100)] = None
    prefecture_code: Annotated[Text | None, Field(max_length=2)] = None
    municipality_code: Annotated[Text | None, Field(max_length=6)] = None
    desk_name: Annotated[Text | None, Field(max_length=200)] = None
    desk_phone: Annotated[Text | None, Field(max_length=50)] = None
    desk_email: Annotated[Text | None, Field(max_length=254)] = None
    desk_hours: Annotated[Text | None, Field(max_length=200)] = None
    desk_note: Annotated[Text | None, Field(max_length=5000)] = None
    time_limit_minutes: Limit = None
    repeat_contacts: Limit = None
    repeat_days: Limit = None


class SettingsOut(Schema):
    company_name: str
    industry: str
    prefecture_code: str | None
    municipality_code: str | None
    desk_name: str
    desk_phone: str
    desk_email: str
    desk_hours: str
    desk_note: str
    time_limit_minutes: int
    repeat_contacts: int
    repeat_days: int
    updated_at: datetime


@router.get("", response_model=SettingsOut)
def get_settings(user: CurrentUser, session: SessionDep) -> SettingsOut:
    """会社設定 (基準値・会社情報) / company settings: thresholds and profile."""
    row = service.get(session=session)
    session.commit()
    return SettingsOut.model_validate(row)


@router.patch("", response_model=SettingsOut)
def update_settings(body: SettingsIn, admin: Admin, session: SessionDep) -> SettingsOut:
    """会社設定を変更 / change company settings (admins)."""
    row = service.update(session=session, actor=admin, changes=body.model_dump(exclude_unset=True))
    session.commit()
    return SettingsOut.model_validate(row)
