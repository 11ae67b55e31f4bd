"""The desk wall: no single account can give itself (or anyone) the right to read consultations and care.

Rules (issue 14.1), each a small function the user service calls before it changes anything:

- the desk role is granted only by two people: an admin asks (`request_grant`), an active desk
  member who is neither the asker nor the person confirms (`confirm_grant`); the very first desk
  member comes from the server's CLI (`grant_from_server`), which works only while the desk is empty;
- at confirmation the person's password is voided and a one-time link goes to their own mailbox,
  and their sessions and tokens end, so whoever created the account cannot log in as the new member;
- nobody changes their own role; nobody sets a desk member's password: a reset writes a one-time
  link into the mail outbox, which no API reads;
- taking the role away needs no second person (it gives nobody access), but the last active desk
  member cannot be removed or deactivated: the company must keep a desk, and a successor is
  granted first;
- every grant, refusal and removal is a `desk_grants` row the desk sees, and an audit entry.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kasuhara.errors import Message, NotFoundError, PermissionDeniedError
from kasuhara.services import audit
from kasuhara.services._util import field_error
from kasuhara.services.access import DENIED
from kasuhara.services.auth import hash_password
from kasuhara.store.models.desk_access import DeskGrant, MailOutbox, PasswordReset
from kasuhara.store.models.users import ApiToken, User, WebSession
from kasuhara.store.types import utcnow

DESK = "desk"
RESET_VALID = timedelta(hours=24)
RESET_PATH = "/password-reset"
VOID_PASSWORD = "!void"
"""Not an argon2 hash: no password verifies against it (the member sets one through their link)."""


# --- checks the user service runs before a change -------------------------------------------


def check_create(*, actor: User | None, role: str) -> None:
    """Over the web an account is never created with the desk role: it is granted afterwards, by two
    people. Server-side code (`actor=None`: the CLI, the demo) may, and `record_server_created` lists it."""
    if role == DESK and actor is not None:
        raise field_error(
            "role",
            "窓口（desk）の役割は作成時には付けられません。作成後に付与を申請し、窓口の担当者が確認します",
            "the desk role cannot be given at creation: request a grant afterwards; a desk member confirms it",
        )


def check_role_change(session: Session, *, actor: User, user: User, role: str) -> None:
    """Own role never; to desk only by a confirmed grant; from desk never for the last member."""
    if role == user.role:
        return
    if actor.id == user.id:
        raise field_error("role", "自分の役割は変更できません", "you cannot change your own role")
    if role == DESK:
        raise field_error(
            "role",
            "窓口（desk）の役割は、付与を申請し、別の窓口担当者が確認して初めて付きます（窓口の画面「担当者と付与」）",
            "the desk role is given only by a grant that another desk member confirms (request one: "
            "POST /api/v1/desk/grants)",
        )
    if user.role == DESK:
        _keep_one_desk_member(session, user, field="role")
        _record_removal(session, actor=actor, user=user)


def check_deactivation(session: Session, *, actor: User, user: User, is_active: bool) -> None:
    if user.role == DESK and user.is_active and not is_active:
        _keep_one_desk_member(session, user, field="is_active")
        _record_removal(session, actor=actor, user=user)


def check_password_set(session: Session, *, actor: User | None, user: User) -> None:
    """Only the member sets a desk member's password (or one who is waiting for the desk role)."""
    if actor is not None and actor.id == user.id:
        return
    if user.role == DESK or _pending(session, user.id) is not None:
        raise field_error(
            "password",
            "窓口の担当者のパスワードは設定できません。本人あてに再設定のリンクを送ってください",
            "a desk member's password cannot be set by others: send them a reset link instead",
        )


def record_server_created(session: Session, *, user: User) -> None:
    """A desk account made on the server (CLI, demo) shows in the desk's list like any grant."""
    if user.role != DESK:
        return
    now = utcnow()
    session.add(DeskGrant(user_id=user.id, change="grant", status="confirmed", requested_by=None, requested_at=now,
                          decided_by=None, decided_at=now, via="cli"))


def has_desk(session: Session) -> bool:
    return bool(_active_desk_ids(session))


def _active_desk_ids(session: Session) -> list[int]:
    return list(session.scalars(select(User.id).where(User.role == DESK, User.is_active.is_(True))))


def _keep_one_desk_member(session: Session, user: User, *, field: str) -> None:
    if [i for i in _active_desk_ids(session) if i != user.id]:
        return
    raise field_error(
        field,
        "最後の窓口担当者は外せません。先に後任への付与を確認してもらってください",
        "the last desk member cannot be removed: have a successor's grant confirmed first",
    )


def _record_removal(session: Session, *, actor: User, user: User) -> None:
    now = utcnow()
    session.add(DeskGrant(user_id=user.id, change="revoke", status="done", requested_by=actor.id,
                          requested_at=now, decided_by=actor.id, decided_at=now, via="web"))
    audit.record(session, actor=actor, action="desk.revoke", target_type="user", target_id=user.id)


# --- grants ------------------------------------------------------------------------------------


def _pending(session: Session, user_id: int) -> DeskGrant | None:
    return session.scalar(select(DeskGrant).where(DeskGrant.user_id == user_id, DeskGrant.change == "grant",
                                                  DeskGrant.status == "pending"))


def request_grant(session: Session, *, actor: User | None, user_id: int, via: str = "web") -> DeskGrant:
    """Ask for the desk role for `user_id` (an admin, or the server's CLI with `actor=None`)."""
    if actor is not None and actor.role != "admin":
        raise PermissionDeniedError(DENIED)
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(Message("利用者が見つかりません", "user not found"))
    if actor is not None and actor.id == user.id:
        raise field_error("user_id", "自分への付与は申請できません", "you cannot request the desk role for yourself")
    if user.role == DESK:
        raise field_error("user_id", "すでに窓口の担当者です", "already a desk member")
    if not user.is_active:
        raise field_error("user_id", "無効な利用者です", "the user is deactivated")
    if _pending(session, user.id) is not None:
        raise field_error("user_id", "この利用者への付与はすでに申請中です", "a grant for this user is already pending")
    grant = DeskGrant(user_id=user.id, change="grant", status="pending",
                      requested_by=actor.id if actor else None, requested_at=utcnow(), via=via)
    session.add(grant)
    session.flush()
    audit.record(session, actor=actor, action="desk.grant_requested", target_type="user", target_id=user.id,
                 detail={"grant_id": grant.id})
    return grant


def _grant(session: Session, grant_id: int) -> DeskGrant:
    grant = session.get(DeskGrant, grant_id)
    if grant is None:
        raise NotFoundError(Message("付与の申請が見つかりません", "grant not found"))
    if grant.status != "pending":
        raise field_error("grant_id", "この申請はすでに処理されています", "this grant was already decided")
    return grant


def confirm_grant(session: Session, *, actor: User, grant_id: int, base_url: str = "") -> DeskGrant:
    """A second person, already on the desk, confirms: the role is given and the password voided."""
    if actor.role != DESK or not actor.is_active:
        raise PermissionDeniedError(DENIED)
    grant = _grant(session, grant_id)
    if actor.id in (grant.requested_by, grant.user_id):
        raise PermissionDeniedError(Message("申請した人・付与される人は確認できません（別の窓口担当者が確認します）",
                                            "the asker and the person cannot confirm: another desk member does"))
    user = session.get(User, grant.user_id)
    assert user is not None
    _give_desk_role(session, user=user, base_url=base_url)
    grant.status, grant.decided_by, grant.decided_at = "confirmed", actor.id, utcnow()
    audit.record(session, actor=actor, action="desk.grant_confirmed", target_type="user", target_id=user.id,
                 detail={"grant_id": grant.id})
    return grant


def refuse_grant(session: Session, *, actor: User, grant_id: int) -> DeskGrant:
    """Any desk member, or the one who asked, withdraws a pending grant."""
    grant = _grant(session, grant_id)
    if not (actor.role == DESK or actor.id == grant.requested_by):
        raise PermissionDeniedError(DENIED)
    grant.status, grant.decided_by, grant.decided_at = "refused", actor.id, utcnow()
    audit.record(session, actor=actor, action="desk.grant_refused", target_type="user", target_id=grant.user_id,
                 detail={"grant_id": grant.id})
    return grant


def grant_from_server(session: Session, *, email: str, base_url: str = "") -> DeskGrant:
    """`kasuhara users grant-desk EMAIL` on the server: the first member directly, later only a request."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(Message(f"利用者がいません: {email}", f"no such user: {email}"))
    if _active_desk_ids(session):
        return request_grant(session, actor=None, user_id=user.id, via="cli")
    if user.role == DESK and user.is_active:
        raise field_error("email", "すでに窓口の担当者です", "already a desk member")
    now = utcnow()
    grant = DeskGrant(user_id=user.id, change="grant", status="confirmed", requested_by=None, requested_at=now,
                      decided_by=None, decided_at=now, via="cli")
    session.add(grant)
    user.is_active = True
    user.role = DESK
    _end_sessions(session, user.id)
    session.flush()
    audit.record(session, actor=None, action="desk.grant_confirmed", target_type="user", target_id=user.id,
                 detail={"grant_id": grant.id, "via": "cli"})
    return grant


def _give_desk_role(session: Session, *, user: User, base_url: str) -> None:
    user.role = DESK
    user.password_hash = VOID_PASSWORD
    _end_sessions(session, user.id)
    issue_reset_link(session, actor=None, user=user, base_url=base_url, reason="granted")


def _end_sessions(session: Session, user_id: int) -> None:
    """Whoever was logged in as this person (perhaps the one who made the account) is logged out."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


@dataclass(frozen=True)
class GrantRow:
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


def _label(session: Session, user_id: int | None, via: str) -> str:
    if user_id is None:
        return ""  # the server (CLI, demo): `via` says so, the page words it
    user = session.get(User, user_id)
    return f"{user.display_name} <{user.email}>" if user else str(user_id)


def list_grants(session: Session, *, actor: User) -> list[GrantRow]:
    """Every grant, refusal and removal, newest first: the desk sees who joined it and who asked."""
    if actor.role not in (DESK, "admin"):
        raise PermissionDeniedError(DENIED)
    rows = session.scalars(select(DeskGrant).order_by(DeskGrant.id.desc())).all()
    out = []
    for g in rows:
        user = session.get(User, g.user_id)
        out.append(GrantRow(
            id=g.id, user_id=g.user_id, user_name=user.display_name if user else "", user_email=user.email if user else "",
            change=g.change, status=g.status, requested_by=_label(session, g.requested_by, g.via),
            requested_at=g.requested_at, decided_by=_label(session, g.decided_by, g.via), decided_at=g.decided_at,
            via=g.via,
        ))
    return out


def desk_members(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == DESK).order_by(User.id)))


# --- one-time password links -------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_reset_link(session: Session, *, actor: User | None, user: User, base_url: str = "",
                     reason: str = "reset") -> None:
    """Write a one-time link into the outbox for the member's own address; nothing returns the token."""
    if actor is not None and actor.role != "admin" and actor.id != user.id:
        raise PermissionDeniedError(DENIED)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                    .values(used_at=now))
    session.add(PasswordReset(user_id=user.id, token_hash=_token_hash(token), requested_by=actor.id if actor else None,
                              created_at=now, expires_at=now + RESET_VALID))
    link = f"{base_url.rstrip('/')}{RESET_PATH}?token={token}"
    session.add(MailOutbox(
        user_id=user.id, to_email=user.email, created_at=now,
        subject="パスワードの設定 / Set your password",
        body=(f"{user.display_name} 様\n\n次のリンクから24時間以内に、一度だけパスワードを設定できます。\n{link}\n\n"
              f"Use this link once, within 24 hours, to set your password:\n{link}\n"),
    ))
    audit.record(session, actor=actor, action="auth.reset_link", target_type="user", target_id=user.id,
                 detail={"reason": reason})


def complete_reset(session: Session, *, token: str, password: str) -> User:
    """The member sets their password with the link; the token is void afterwards, like all older ones."""
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token.strip())))
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise field_error("token", "リンクが無効か期限切れです。もう一度送ってもらってください",
                          "the link is invalid, used or expired: ask for a new one")
    user = session.get(User, row.user_id)
    assert user is not None
    user.password_hash = hash_password(password)
    row.used_at = now
    _end_sessions(session, user.id)
    audit.record(session, actor=None, action="auth.password_set_by_link", target_type="user", target_id=user.id)
    return user


def outbox(session: Session, *, unsent_only: bool = True) -> list[MailOutbox]:
    """For the mail adapter and the server's CLI only (no route calls this)."""
    stmt = select(MailOutbox).order_by(MailOutbox.id)
    if unsent_only:
        stmt = stmt.where(MailOutbox.sent_at.is_(None))
    return list(session.scalars(stmt))


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(DeskGrant).where(DeskGrant.status == "pending")) or 0)
