"""Reusable dependencies: settings, a database session per request, the current user, roles.

Views declare what they need (`session: SessionDep`, `user: CurrentUser`,
`user: Annotated[User, require_role("admin")]`); pages that redirect anonymous visitors to the
login page use `OptionalUser`. Resolving the user also puts it and the session's CSRF token on
`request.state` for the page templates.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from kasuhara.config import Settings
from kasuhara.services import auth as auth_service
from kasuhara.services import scopes
from kasuhara.services.access import DENIED
from kasuhara.store.blobs import EvidenceStore
from kasuhara.store.engine import release_connection
from kasuhara.store.models.users import User
from kasuhara.web.security import (
    SAFE_METHODS,
    AuthResult,
    bearer_token,
    csrf_matches,
    submitted_csrf,
)

# Dependencies that do no I/O are `async def`: a sync dependency costs a thread-pool hop per request.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; views commit, anything left open is rolled back.

    Creating a session does not connect, and the clean-up after a committed view is a no-op
    rollback and a pool check-in, so this runs on the event loop instead of the thread pool.

    At most `max_db_sessions` requests hold a session at once; the others wait here, on the event
    loop, holding nothing. A request's steps run on different thread-pool threads and it may keep a
    connection (or the SQLite writer lock) between them; with fewer sessions than threads and than
    pooled connections, a request holding one always finds a thread and never waits for a
    connection, where an unbounded burst stalled every thread until the pool timed out (500s).
    """
    async with _session_gate(request):
        session: Session = request.app.state.session_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()


def _session_gate(request: Request) -> asyncio.Semaphore:
    return session_gate(request.app)


def session_gate(app: Any) -> asyncio.Semaphore:
    """The app's admission gate for database sessions, one per event loop (tests run several).

    Everything that opens a session for a request takes it: the request's own session and the
    request gate's credential check before the body is read.
    """
    return _loop_gate(app, "sessions", app.state.settings.max_db_sessions)


def _loop_gate(app: Any, name: str, size: int) -> asyncio.Semaphore:
    gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]] = (
        app.state.session_gates)
    per_loop = gates.setdefault(asyncio.get_running_loop(), {})
    gate = per_loop.get(name)
    if gate is None:
        gate = per_loop[name] = asyncio.Semaphore(size)
    return gate


async def login_slot(request: Request) -> AsyncIterator[None]:
    """Logins wait here, holding nothing, before they take a database session.

    A password hash is tens of milliseconds of CPU; a flood of logins waiting for their turn must
    not sit on the session gate's places, or it would queue every other request behind it.
    Declare it before `SessionDep` in a login view.
    """
    async with _loop_gate(request.app, "logins", request.app.state.settings.max_concurrent_logins):
        yield


LoginSlot = Annotated[None, Depends(login_slot)]


SessionDep = Annotated[Session, Depends(get_session)]


async def get_evidence_store(request: Request) -> EvidenceStore:
    store: EvidenceStore = request.app.state.evidence_store
    return store


EvidenceStoreDep = Annotated[EvidenceStore, Depends(get_evidence_store)]


def _error(status: int, ja: str, en: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status_code=status, detail={"msg_ja": ja, "msg_en": en}, headers=headers)


def resolve_auth(request: Request, session: SessionDep, settings: SettingsDep) -> AuthResult:
    """Bearer token first, then the session cookie (synchronous: runs in the thread pool).

    The look-up's transaction ends here (`release_connection`): the view runs on another thread.
    """
    try:
        return _resolve_auth(request, session, settings)
    finally:
        release_connection(session)


def _resolve_auth(request: Request, session: Session, settings: Settings) -> AuthResult:
    token = bearer_token(request)
    if token is not None:
        found = auth_service.token_auth(session=session, token=token, secret_key=settings.secret_key)
        if found is None:
            return AuthResult(user=None, bearer_invalid=True)
        user, api_token = found
        user.token_site_id = api_token.site_id  # type: ignore[attr-defined]  # read by kasuhara.services.access
        return AuthResult(user=user, via="bearer", api_token=api_token)
    cookie = request.cookies.get(settings.session_cookie_name)
    if cookie:
        signed_in = auth_service.session_user(session=session, token=cookie, secret_key=settings.secret_key)
        if signed_in is not None:
            user, web_session = signed_in
            request.state.csrf_token = web_session.csrf_token
            return AuthResult(user=user, via="cookie", web_session=web_session)
    return AuthResult(user=None)


AuthDep = Annotated[AuthResult, Depends(resolve_auth)]


async def get_optional_user(request: Request, auth: AuthDep) -> User | None:
    """The signed-in user or None; cookie requests with unsafe methods must carry the CSRF token."""
    if auth.bearer_invalid:
        raise _error(401, "APIトークンが無効です", "invalid API token", {"WWW-Authenticate": "Bearer"})
    if auth.via == "bearer":
        _check_scope(request, auth)
    if auth.via == "cookie" and request.method not in SAFE_METHODS:
        assert auth.web_session is not None
        if not csrf_matches(auth.web_session.csrf_token, await submitted_csrf(request)):
            raise _error(403, "CSRFトークンがありません、または一致しません", "missing or wrong CSRF token")
    request.state.user = auth.user
    return auth.user


def _check_scope(request: Request, auth: AuthResult) -> None:
    """A bearer token may call a route only with the scope its tag and method need (403 otherwise)."""
    assert auth.api_token is not None
    route = request.scope.get("route")
    needed = scopes.catalogue().required(getattr(route, "tags", None) or (), request.method)
    if needed == "":
        return
    if needed is None or needed not in auth.api_token.scope_list:
        what = needed or "—"
        raise _error(403, f"このAPIトークンにはこの操作の権限 (スコープ {what}) がありません",
                     f"this API token lacks the scope for this operation ({what})")


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise _error(401, "ログインしてください", "authentication required", {"WWW-Authenticate": "Bearer"})
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: str) -> Any:
    """`Annotated[User, require_role("admin", "auditor")]`: 403 for every other role."""
    allowed = frozenset(roles)

    async def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise _error(403, DENIED.ja, DENIED.en)
        return user

    return Depends(check)
