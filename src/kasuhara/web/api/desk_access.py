"""The desk wall over HTTP: grants that a second person confirms, and one-time password links.

Nothing here returns a reset token: the link goes to the member's own mailbox (the outbox), so an
admin can start a reset but never complete it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from kasuhara.services import desk_access as svc
from kasuhara.services import users as users_service
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, MAX_ID, IdPath, InputSchema, Schema, Text
from kasuhara.web.deps import CurrentUser, SessionDep, SettingsDep, require_role

router = APIRouter(tags=["desk access"], responses=ERRORS)

Admin = Annotated[User, require_role("admin")]
Desk = Annotated[User, require_role("desk")]


class GrantIn(InputSchema):
    user_id: Annotated[int, Field(ge=1, le=MAX_ID)]


class GrantOut(Schema):
    id: int
    user_id: int
    user_name: str
    user_email: str
    change: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str
    decided_at: datetime | None
    via: str


class ResetIn(InputSchema):
    token: Annotated[Text, Field(min_length=10, max_length=200)]
    password: Annotated[Text, Field(min_length=1, max_length=1024)]


def _out(row: svc.GrantRow) -> GrantOut:
    return GrantOut(**row.__dict__)


def _row(session: SessionDep, actor: User, grant_id: int) -> GrantOut:
    return next(_out(r) for r in svc.list_grants(session=session, actor=actor) if r.id == grant_id)


@router.get("/desk/grants", response_model=list[GrantOut])
def list_grants(user: CurrentUser, session: SessionDep) -> list[GrantOut]:
    """窓口の担当者の付与・取り消しの記録 (窓口・管理者) / every desk grant, refusal and removal."""
    return [_out(r) for r in svc.list_grants(session=session, actor=user)]


@router.post("/desk/grants", response_model=GrantOut, status_code=201)
def request_grant(body: GrantIn, admin: Admin, session: SessionDep) -> GrantOut:
    """窓口の役割の付与を申請 (別の窓口担当者の確認で有効) / ask for the desk role; another desk member confirms."""
    grant = svc.request_grant(session, actor=admin, user_id=body.user_id)
    session.commit()
    return _row(session, admin, grant.id)


@router.post("/desk/grants/{grant_id}/confirm", response_model=GrantOut)
def confirm_grant(grant_id: IdPath, desk: Desk, session: SessionDep, settings: SettingsDep) -> GrantOut:
    """付与を確認 (申請者・本人以外の窓口担当者) / confirm (a desk member other than the asker and the person)."""
    svc.confirm_grant(session, actor=desk, grant_id=grant_id, base_url=settings.public_url)
    session.commit()
    return _row(session, desk, grant_id)


@router.post("/desk/grants/{grant_id}/refuse", response_model=GrantOut)
def refuse_grant(grant_id: IdPath, user: CurrentUser, session: SessionDep) -> GrantOut:
    """付与を断る・取り下げる / refuse (desk) or withdraw (the asker)."""
    svc.refuse_grant(session, actor=user, grant_id=grant_id)
    session.commit()
    return _row(session, user, grant_id)


@router.post("/users/{user_id}/password-reset", status_code=202)
def send_reset_link(user_id: IdPath, admin: Admin, session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    """本人あてにパスワード設定のリンクを送る (リンクは返しません) / mail a one-time link to the user (not returned)."""
    user = users_service.get(session=session, user_id=user_id)
    svc.issue_reset_link(session, actor=admin, user=user, base_url=settings.public_url)
    session.commit()
    return {"status": "sent", "msg_ja": "本人のメールアドレスあてにリンクを送りました",
            "msg_en": "a one-time link was sent to the user's own e-mail address"}


@router.post("/auth/password-reset")
def complete_reset(body: ResetIn, session: SessionDep) -> dict[str, str]:
    """リンクのトークンで新しいパスワードを設定 / set a new password with the link's token."""
    svc.complete_reset(session, token=body.token, password=body.password)
    session.commit()
    return {"status": "ok"}
