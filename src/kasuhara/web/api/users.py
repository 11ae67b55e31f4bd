"""Users (admins only): create, list, change role, sites, password; deactivate instead of delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from kasuhara.services import users as service
from kasuhara.store.models.users import ROLES, User
from kasuhara.web.api._common import ERRORS, MAX_ID, IdPath, InputSchema, Schema, Text
from kasuhara.web.deps import SessionDep, require_role

router = APIRouter(prefix="/users", tags=["users"], responses=ERRORS)

Admin = Annotated[User, require_role("admin")]
SiteIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=500)]


class UserIn(InputSchema):
    email: Annotated[Text, Field(min_length=3, max_length=254)]
    display_name: Annotated[Text, Field(min_length=1, max_length=100)]
    role: Annotated[Text, Field(max_length=20, description="|".join(ROLES))]
    password: Annotated[Text, Field(min_length=1, max_length=1024)]
    site_ids: SiteIds = Field(default_factory=list)


class UserPatch(InputSchema):
    display_name: Annotated[Text | None, Field(min_length=1, max_length=100)] = None
    role: Annotated[Text | None, Field(max_length=20)] = None
    is_active: bool | None = None
    password: Annotated[Text | None, Field(min_length=1, max_length=1024)] = None
    site_ids: SiteIds | None = None


class UserOut(Schema):
    id: int
    email: str
    display_name: str
    role: str
    is_active: bool
    created_at: datetime
    site_ids: list[int] = Field(default_factory=list)


def _out(session: SessionDep, user: User) -> UserOut:
    out = UserOut.model_validate(user)
    out.site_ids = service.site_ids_of(session=session, user_id=user.id)
    return out


@router.get("", response_model=list[UserOut])
def list_users(admin: Admin, session: SessionDep) -> list[UserOut]:
    """利用者一覧 / all users."""
    return [_out(session, u) for u in service.list_users(session=session)]


@router.post("", response_model=UserOut, status_code=201)
def create_user(body: UserIn, admin: Admin, session: SessionDep) -> UserOut:
    """利用者を追加 / add a user."""
    user = service.create(session=session, actor=admin, **body.model_dump())
    session.commit()
    return _out(session, user)


@router.get("/{user_id}", response_model=UserOut)
def get_user(user_id: IdPath, admin: Admin, session: SessionDep) -> UserOut:
    """利用者の詳細 / one user."""
    return _out(session, service.get(session=session, user_id=user_id))


@router.patch("/{user_id}", response_model=UserOut)
def update_user(user_id: IdPath, body: UserPatch, admin: Admin, session: SessionDep) -> UserOut:
    """利用者の変更 (役割・拠点・無効化・パスワード) / change role, sites, active flag or password."""
    user = service.update(session=session, actor=admin, user_id=user_id, **body.model_dump())
    session.commit()
    return _out(session, user)
