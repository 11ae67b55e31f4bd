"""Passwords (argon2id), browser sessions, API tokens and login throttling.

Session and API tokens are random; only an HMAC of them (keyed by the instance secret) is
stored, so a copy of the database alone cannot be used to log in. Failed logins are counted per
e-mail address in the database, so throttling holds across processes and restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from kasuhara.errors import FieldProblem, InputError, Message, PermissionDeniedError
from kasuhara.services import audit
from kasuhara.store.models.users import ApiToken, LoginFailure, User, WebSession
from kasuhara.store.types import utcnow

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


class LoginThrottledError(PermissionDeniedError):
    """Too many failed logins for this address; try again later."""


class LoginFailedError(PermissionDeniedError):
    """Wrong e-mail or password (never says which)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            [
                FieldProblem(
                    "password",
                    Message(
                        f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください",
                        f"password must be at least {MIN_PASSWORD_LENGTH} characters",
                    ),
                )
            ]
        )
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def keyed_hash(secret_key: str, token: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    client: str,
    max_failures: int,
    window_seconds: int,
) -> User:
    """The active user with these credentials, or an error; failures are counted and audited."""
    email = email.strip().lower()
    since = utcnow() - timedelta(seconds=window_seconds)
    failures = session.scalar(
        select(func.count()).select_from(LoginFailure).where(
            LoginFailure.email == email, LoginFailure.at >= since
        )
    )
    if (failures or 0) >= max_failures:
        audit.record(session, actor=None, action="auth.login_throttled", target_type="user",
                     target_id=email, detail={"client": client})
        raise LoginThrottledError(
            Message(
                "ログインの失敗が続いたため、しばらくしてから再度お試しください",
                "too many failed logins; try again later",
            )
        )
    user = session.scalar(select(User).where(User.email == email))
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.is_active:
        session.add(LoginFailure(email=email, client=client[:64]))
        audit.record(session, actor=None, action="auth.login_failed", target_type="user",
                     target_id=email, detail={"client": client})
        raise LoginFailedError(
            Message("メールアドレスまたはパスワードが違います", "wrong e-mail address or password")
        )
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, actor=user, action="auth.login", target_type="user", target_id=user.id,
                 detail={"client": client})
    return user


def start_session(*, session: Session, user: User, secret_key: str, max_age_seconds: int) -> tuple[str, str]:
    """A new browser session: returns (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=keyed_hash(secret_key, token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=utcnow() + timedelta(seconds=max_age_seconds),
        )
    )
    session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    return token, csrf


def session_user(*, session: Session, token: str, secret_key: str) -> tuple[User, WebSession] | None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == keyed_hash(secret_key, token)))
    if row is None or row.expires_at < utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row


def end_session(*, session: Session, web_session: WebSession, user: User) -> None:
    session.delete(web_session)
    audit.record(session, actor=user, action="auth.logout", target_type="user", target_id=user.id)


def create_api_token(*, session: Session, user: User, name: str, secret_key: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the raw value is returned once and never stored."""
    raw = "ksh_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=keyed_hash(secret_key, raw))
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="auth.token_created", target_type="api_token",
                 target_id=row.id, detail={"name": name})
    return row, raw


# Built once (per request only the HMAC is bound): a bearer request costs one indexed lookup, no argon2.
_TOKEN_USER = select(User).join(ApiToken, ApiToken.user_id == User.id).where(
    ApiToken.token_hash == bindparam("token_hash"),
    ApiToken.revoked_at.is_(None),
    User.is_active.is_(True),
)


def token_user(*, session: Session, token: str, secret_key: str) -> User | None:
    return session.scalar(_TOKEN_USER, {"token_hash": keyed_hash(secret_key, token)})


def list_api_tokens(*, session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_api_token(*, session: Session, user: User, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise PermissionDeniedError(Message("このトークンは操作できません", "you may not change this token"))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, actor=user, action="auth.token_revoked", target_type="api_token", target_id=row.id)
    return row


def expired_before(moment: datetime) -> bool:
    return moment < utcnow()
