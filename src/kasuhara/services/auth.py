"""Passwords (argon2id), browser sessions, API tokens and login throttling.

Session and API tokens are random; only an HMAC of them (keyed by the instance secret) is
stored, so a copy of the database alone cannot be used to log in. Failed logins are counted per
e-mail address in the database, so throttling holds across processes and restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Session

from kasuhara.errors import Message, PermissionDeniedError
from kasuhara.services import audit, passwords
from kasuhara.services import scopes as scopes_service
from kasuhara.services._util import field_error
from kasuhara.store.engine import release_connection
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import ApiToken, LoginFailure, User, WebSession
from kasuhara.store.types import utcnow

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


class LoginThrottledError(PermissionDeniedError):
    """Too many failed logins from this source or for this address; try again later."""

    retry_after: int | None = None


class LoginFailedError(PermissionDeniedError):
    """Wrong e-mail or password (never says which)."""


def hash_password(password: str, *, identifiers: Sequence[str] = ()) -> str:
    """argon2id of a password that passes the policy (`kasuhara.services.passwords`)."""
    passwords.check(password, identifiers=identifiers)
    with HASH_SLOTS:
        return _hasher.hash(password)


HASH_SLOTS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
"""Password hashes computed at once in this process: at most half the cores, so a login flood
(argon2 is tens of milliseconds of CPU each) queues behind itself and leaves the rest of the
machine to everyone else's requests."""


def verify_password(password_hash: str, password: str) -> bool:
    with HASH_SLOTS:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def keyed_hash(secret_key: str, token: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class LoginPolicy:
    """How failed logins slow down further attempts; nothing ever locks an account from every source.

    - per account and source: after `free_failures`, each attempt waits 1, 2, 4 ... seconds after
      the last failure (at most the window), so guessing from one place crawls;
    - per source: after `source_max_failures` failures for any accounts, and per account from all
      sources: after `pow_after_failures`, a login must carry a solved proof-of-work challenge
      (CAPTCHA-free: the login page solves it in the browser). A flood without solutions costs
      no argon2 and no writes, a guesser pays CPU for every try, and the owner still gets in,
      even behind a proxy that makes every user look like one source.
    """

    window_seconds: int = 15 * 60
    free_failures: int = 5
    source_max_failures: int = 50
    pow_after_failures: int = 10
    pow_bits: int = 16


class ProofOfWorkRequiredError(LoginThrottledError):
    """This account is under repeated failed logins: solve `challenge` (see `solve_challenge`)."""

    def __init__(self, message: Message, *, challenge: str, bits: int) -> None:
        super().__init__(message)
        self.challenge = challenge
        self.bits = bits


_POW_SECONDS = 300


def _pow_mac(secret_key: str, email: str, body: str) -> str:
    return hmac.new(secret_key.encode(), f"pow|{email}|{body}".encode(), hashlib.sha256).hexdigest()[:32]


def issue_challenge(*, secret_key: str, email: str, failures: int, bits: int) -> str:
    """A stateless challenge bound to the account and its failure count (a failed try spends it)."""
    body = f"{int(time.time()) + _POW_SECONDS}.{bits}.{failures}.{secrets.token_hex(8)}"
    return f"{body}.{_pow_mac(secret_key, email, body)}"


def _leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def challenge_solved(*, secret_key: str, email: str, failures: int, bits: int, challenge: str, nonce: str) -> bool:
    parts = challenge.split(".")
    if len(parts) != 5 or not nonce or len(nonce) > 64:
        return False
    body, mac = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(mac, _pow_mac(secret_key, email, body)):
        return False
    expiry, issued_bits, issued_failures = parts[0], parts[1], parts[2]
    if not (expiry.isdigit() and issued_bits.isdigit() and issued_failures.isdigit()):
        return False
    if int(expiry) < time.time() or int(issued_failures) != failures or int(issued_bits) < bits:
        return False
    return _leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) >= int(issued_bits)


def solve_challenge(challenge: str) -> str:
    """The nonce a client sends back (what the login page's script computes)."""
    bits = int(challenge.split(".")[1])
    counter = 0
    while _leading_zero_bits(hashlib.sha256(f"{challenge}:{counter}".encode()).digest()) < bits:
        counter += 1
    return str(counter)


def _throttled(retry_after: int) -> LoginThrottledError:
    """A refused attempt writes nothing: the failures that led here are audited, and a flood of
    refused attempts must cost no write (on SQLite, no turn at the single writer lock)."""
    error = LoginThrottledError(Message(
        f"ログインの失敗が続いたため、{retry_after}秒後に再度お試しください",
        f"too many failed logins; try again in {retry_after} s",
    ))
    error.retry_after = retry_after
    return error


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    client: str,
    secret_key: str,
    policy: LoginPolicy | None = None,
    pow_challenge: str = "",
    pow_nonce: str = "",
) -> User:
    """The active user with these credentials, or an error; failures are counted and audited.

    Three short steps so the password hash (argon2, tens of milliseconds of CPU) runs outside any
    transaction: on SQLite every transaction holds the single writer lock, and a login flood
    otherwise stalled every other write. Read the counts and the user; end the transaction; hash;
    then write the outcome in a second transaction (committed by the caller).
    """
    policy = policy or LoginPolicy()
    email = email.strip().lower()[:254]
    client = client[:64]
    now = utcnow()
    since = now - timedelta(seconds=policy.window_seconds)
    recent = (LoginFailure.at >= since,)
    pair_count, pair_last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.email == email, LoginFailure.client == client, *recent)
    ).one()
    source_count = session.scalar(select(func.count()).where(LoginFailure.client == client, *recent)) or 0
    account_count = session.scalar(select(func.count()).where(LoginFailure.email == email, *recent)) or 0
    user = session.scalar(select(User).where(User.email == email))
    release_connection(session)

    if pair_count >= policy.free_failures and pair_last is not None:
        wait = min(2 ** min(pair_count - policy.free_failures, 20), policy.window_seconds)
        last = pair_last if pair_last.tzinfo is not None else pair_last.replace(tzinfo=UTC)
        remaining = (last + timedelta(seconds=wait) - now).total_seconds()
        if remaining > 0:
            raise _throttled(max(1, int(remaining + 0.999)))
    under_attack = account_count >= policy.pow_after_failures or source_count >= policy.source_max_failures
    if under_attack and not challenge_solved(
        secret_key=secret_key, email=email, failures=account_count, bits=policy.pow_bits,
        challenge=pow_challenge, nonce=pow_nonce,
    ):
        raise ProofOfWorkRequiredError(
            Message("このアカウントへのログイン失敗が続いています。確認の計算をしてから再度送信してください",
                    "this account has had many failed logins: solve the proof-of-work challenge and retry"),
            challenge=issue_challenge(secret_key=secret_key, email=email, failures=account_count,
                                      bits=policy.pow_bits),
            bits=policy.pow_bits,
        )

    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    new_hash = None
    if ok and user and _hasher.check_needs_rehash(user.password_hash):
        with HASH_SLOTS:
            new_hash = _hasher.hash(password)

    if user is None or not ok or not user.is_active:
        session.add(LoginFailure(email=email, client=client))
        audit.record(session, actor=None, action="auth.login_failed", target_type="user",
                     target_id=email, detail={"client": client})
        raise LoginFailedError(
            Message("メールアドレスまたはパスワードが違います", "wrong e-mail address or password")
        )
    session.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.client == client))
    if new_hash is not None:
        user.password_hash = new_hash
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


def create_api_token(
    *,
    session: Session,
    user: User,
    name: str,
    secret_key: str,
    scopes: Sequence[str] | None = None,
    expires_in_days: int = TOKEN_DEFAULT_DAYS,
    site_id: int | None = None,
) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the raw value is returned once and never stored.

    `scopes` None means every scope (server-side callers: the CLI, tests); the API asks for them.
    A token expires after `expires_in_days` (at most a year) and, with `site_id`, sees one site.
    """
    granted = scopes_service.parse(scopes) if scopes is not None else scopes_service.catalogue().all
    if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise field_error("expires_in_days", f"1〜{TOKEN_MAX_DAYS}日で指定してください",
                          f"must be between 1 and {TOKEN_MAX_DAYS} days")
    if site_id is not None and session.get(Site, site_id) is None:
        raise field_error("site_id", "拠点が見つかりません", "unknown site")
    raw = "ksh_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=keyed_hash(secret_key, raw), scopes=" ".join(granted),
                   expires_at=utcnow() + timedelta(days=expires_in_days), site_id=site_id)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="auth.token_created", target_type="api_token",
                 target_id=row.id, detail={"name": name, "scopes": list(granted), "site_id": site_id,
                                           "expires_at": row.expires_at.isoformat()})
    return row, raw


# Built once (per request only the HMAC and the time are bound): one indexed lookup, no argon2.
_TOKEN_USER = select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id).where(
    ApiToken.token_hash == bindparam("token_hash"),
    ApiToken.revoked_at.is_(None),
    ApiToken.expires_at > bindparam("now"),
    User.is_active.is_(True),
)


def token_auth(*, session: Session, token: str, secret_key: str) -> tuple[User, ApiToken] | None:
    """The user and the live (unrevoked, unexpired) token row, or None."""
    found = session.execute(_TOKEN_USER, {"token_hash": keyed_hash(secret_key, token), "now": utcnow()}).first()
    return (found[0], found[1]) if found is not None else None


def token_user(*, session: Session, token: str, secret_key: str) -> User | None:
    found = token_auth(session=session, token=token, secret_key=secret_key)
    return found[0] if found is not None else None


def end_all_credentials(*, session: Session, user: User, actor: User | None, reason: str) -> None:
    """End every browser session and revoke every API token of `user` (password or role changed).

    A stolen session or token must not outlive the change that was meant to lock its thief out.
    """
    ended = session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    revoked = session.execute(
        sa_update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    audit.record(session, actor=actor, action="auth.credentials_ended", target_type="user", target_id=user.id,
                 detail={"reason": reason, "sessions": getattr(ended, "rowcount", 0),
                         "tokens": getattr(revoked, "rowcount", 0)})


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
