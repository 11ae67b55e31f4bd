"""Login, logout, the current user, and API tokens.

- `POST /auth/login` (JSON) sets the session cookie and returns the CSRF token.
- `POST /auth/session` (HTML form: email, password, csrf_token, next) does the same for the web
  pages and redirects (303) to `next`, or back to `/login?error=1` on failure. The form must
  carry the double-submit token the login page put in the `csrftoken` cookie.
- `POST /auth/logout` ends the session (form posts with `next` are redirected).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import Field

from kasuhara.errors import PermissionDeniedError
from kasuhara.services import auth as auth_service
from kasuhara.store.models.users import User
from kasuhara.web.api._common import ERRORS, IdPath, InputSchema, Schema, Text
from kasuhara.web.deps import AuthDep, CurrentUser, SessionDep, SettingsDep
from kasuhara.web.security import (
    clear_session_cookie,
    client_label,
    csrf_matches,
    safe_next,
    set_session_cookie,
)

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERRORS)

LOGIN_CSRF_COOKIE = "csrftoken"


class LoginIn(InputSchema):
    email: Annotated[Text, Field(min_length=1, max_length=254)]
    password: Annotated[Text, Field(min_length=1, max_length=1024)]


class UserOut(Schema):
    id: int
    email: str
    display_name: str
    role: str


class LoginOut(Schema):
    user: UserOut
    csrf_token: str


class MeOut(Schema):
    user: UserOut
    csrf_token: str | None = None


class TokenIn(InputSchema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]


class TokenOut(Schema):
    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


@router.post("/login", response_model=LoginOut, responses={429: {"description": "throttled"}})
def login(body: LoginIn, request: Request, response: Response, session: SessionDep,
          settings: SettingsDep) -> LoginOut:
    """ログイン (セッションCookieを発行) / log in: sets the session cookie, returns the CSRF token."""
    user = _authenticate(session, settings, request, body.email, body.password)
    token, csrf = auth_service.start_session(
        session=session, user=user, secret_key=settings.secret_key,
        max_age_seconds=settings.session_max_age_seconds,
    )
    session.commit()
    set_session_cookie(response, settings, token)
    return LoginOut(user=UserOut.model_validate(user), csrf_token=csrf)


def _authenticate(session: SessionDep, settings: SettingsDep, request: Request, email: str,
                  password: str) -> User:
    try:
        return auth_service.authenticate(
            session=session, email=email, password=password, client=client_label(request),
            max_failures=settings.login_max_failures, window_seconds=settings.login_window_seconds,
        )
    except PermissionDeniedError:
        session.commit()  # keep the failure count and its audit entry
        raise


@router.post("/session", response_class=RedirectResponse, status_code=303)
def login_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[Text, Form(max_length=254)] = "",
    password: Annotated[Text, Form(max_length=1024)] = "",
    csrf_token: Annotated[Text, Form(max_length=200)] = "",
    next: Annotated[Text, Form(max_length=2000)] = "/",
) -> RedirectResponse:
    """フォームからのログイン (303リダイレクト) / form login for the web pages (303 redirect)."""
    target = safe_next(next)
    failed = "/login?error={}&next=" + quote(target, safe="")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not csrf_matches(expected, csrf_token):
        return RedirectResponse(failed.format("csrf"), status_code=303)
    try:
        user = _authenticate(session, settings, request, email, password)
    except auth_service.LoginThrottledError:
        return RedirectResponse(failed.format("throttled"), status_code=303)
    except PermissionDeniedError:
        return RedirectResponse(failed.format("1"), status_code=303)
    token, _csrf = auth_service.start_session(
        session=session, user=user, secret_key=settings.secret_key,
        max_age_seconds=settings.session_max_age_seconds,
    )
    session.commit()
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, settings, token)
    return response


@router.post("/logout", status_code=204, response_class=Response)
def logout(request: Request, auth: AuthDep, user: CurrentUser, session: SessionDep,
           settings: SettingsDep, next: Annotated[Text | None, Form(max_length=2000)] = None) -> Response:
    """ログアウト / log out (ends the browser session; bearer tokens are revoked separately)."""
    if auth.web_session is not None:
        auth_service.end_session(session=session, web_session=auth.web_session, user=user)
        session.commit()
    response: Response = (
        RedirectResponse(safe_next(next, "/login"), status_code=303) if next else Response(status_code=204)
    )
    clear_session_cookie(response, settings)
    return response


@router.get("/me", response_model=MeOut)
def me(user: CurrentUser, auth: AuthDep) -> MeOut:
    """ログイン中の利用者 / the signed-in user (and the CSRF token for cookie sessions)."""
    csrf = auth.web_session.csrf_token if auth.web_session is not None else None
    return MeOut(user=UserOut.model_validate(user), csrf_token=csrf)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(user: CurrentUser, session: SessionDep) -> list[TokenOut]:
    """自分のAPIトークン一覧 / your API tokens."""
    return [TokenOut.model_validate(t) for t in auth_service.list_api_tokens(session=session, user=user)]


@router.post("/tokens", response_model=NewTokenOut, status_code=201)
def create_token(body: TokenIn, user: CurrentUser, session: SessionDep, settings: SettingsDep) -> NewTokenOut:
    """APIトークンを発行 (値は一度だけ表示) / create an API token; its value is shown once."""
    row, raw = auth_service.create_api_token(
        session=session, user=user, name=body.name, secret_key=settings.secret_key
    )
    session.commit()
    return NewTokenOut(id=row.id, name=row.name, created_at=row.created_at, revoked_at=None, token=raw)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: IdPath, user: CurrentUser, session: SessionDep) -> TokenOut:
    """APIトークンを失効 / revoke one of your API tokens."""
    row = auth_service.revoke_api_token(session=session, user=user, token_id=token_id)
    session.commit()
    return TokenOut.model_validate(row)



