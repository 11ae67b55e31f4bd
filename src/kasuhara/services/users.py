"""Users and their sites: admins create, change and deactivate them (never delete)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from kasuhara.services import audit, desk_access
from kasuhara.services._util import choice, field_error, get_or_404, required_text
from kasuhara.services.auth import end_all_credentials, hash_password
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import ROLES, User, user_sites

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise field_error("email", "メールアドレスの形式が正しくありません", "not a valid e-mail address")
    return email


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def get(*, session: Session, user_id: int) -> User:
    return get_or_404(session, User, user_id, "利用者", "user")


def site_ids_of(*, session: Session, user_id: int) -> list[int]:
    return sorted(session.scalars(select(user_sites.c.site_id).where(user_sites.c.user_id == user_id)))


def _set_sites(session: Session, user: User, site_ids: Sequence[int]) -> None:
    wanted = sorted(set(site_ids))
    if wanted:
        found = set(session.scalars(select(Site.id).where(Site.id.in_(wanted))))
        missing = [s for s in wanted if s not in found]
        if missing:
            raise field_error("site_ids", f"存在しない拠点です: {missing}", f"unknown sites: {missing}")
    session.execute(delete(user_sites).where(user_sites.c.user_id == user.id))
    if wanted:
        session.execute(insert(user_sites), [{"user_id": user.id, "site_id": s} for s in wanted])


def create(
    *,
    session: Session,
    actor: User | None,
    email: str,
    display_name: str,
    role: str,
    password: str,
    site_ids: Sequence[int] = (),
    password_hash: str | None = None,
) -> User:
    """`password_hash` (already argon2) skips hashing: the demo reuses one hash for its accounts."""
    email = normalize_email(email)
    choice("role", role, ROLES)
    desk_access.check_create(actor=actor, role=role)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise field_error("email", "このメールアドレスは登録済みです", "this e-mail address is already registered")
    display_name = required_text("display_name", display_name)
    user = User(email=email, display_name=display_name, role=role,
                password_hash=password_hash or hash_password(password, identifiers=(email, display_name)),
                is_active=True)
    session.add(user)
    session.flush()
    _set_sites(session, user, site_ids)
    if actor is None:
        desk_access.record_server_created(session, user=user)
    audit.record(session, actor=actor, action="user.create", target_type="user", target_id=user.id,
                 detail={"role": role, "site_ids": sorted(set(site_ids))})
    return user


def update(
    *,
    session: Session,
    actor: User,
    user_id: int,
    display_name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    site_ids: Sequence[int] | None = None,
) -> User:
    user = get(session=session, user_id=user_id)
    changes: dict[str, object] = {}
    if display_name is not None:
        user.display_name = required_text("display_name", display_name)
        changes["display_name"] = "changed"  # the audit log holds ids, not names
    if role is not None:
        desk_access.check_role_change(session, actor=actor, user=user, role=choice("role", role, ROLES))
        if role != user.role:
            user.role = changes["role"] = role
    if is_active is not None:
        if user.id == actor.id and not is_active:
            raise field_error("is_active", "自分自身は無効にできません", "you cannot deactivate yourself")
        desk_access.check_deactivation(session, actor=actor, user=user, is_active=is_active)
        user.is_active = changes["is_active"] = is_active
    if password is not None:
        desk_access.check_password_set(session, actor=actor, user=user)
        user.password_hash = hash_password(password, identifiers=(user.email, user.display_name))
        changes["password"] = "changed"
    if site_ids is not None:
        _set_sites(session, user, site_ids)
        changes["site_ids"] = sorted(set(site_ids))
    audit.record(session, actor=actor, action="user.update", target_type="user", target_id=user.id,
                 detail=changes)
    ended = [key for key in ("password", "role") if key in changes] + (["deactivated"] if is_active is False else [])
    if ended:
        end_all_credentials(session=session, user=user, actor=actor, reason="+".join(ended))
    return user
