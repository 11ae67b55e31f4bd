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

from kasuhara.errors import Message, PermissionDeniedError
from kasuhara.services import auth as auth_service
from kasuhara.store.models.users import ApiToken, User
from kasuhara.store.types import utcnow
from kasuhara.web.api._common import ERRORS, IdPath, InputSchema, Schema, Text
from kasuhara.web.deps import AuthDep, CurrentUser, LoginSlot, SessionDep, SettingsDep
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
    pow_challenge: Annotated[Text, Field(max_length=200, description="429で返された課題 / challenge from a 429")] = ""
    pow_nonce: Annotated[Text, Field(max_length=64, description="課題の解 / its solution")] = ""


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
    scopes: Annotated[list[Annotated[Text, Field(max_length=50)]], Field(
        min_length=1, max_length=50, description="例 / e.g. cases:read, cases:write, calls:write")]
    expires_in_days: Annotated[int, Field(ge=1, le=auth_service.TOKEN_MAX_DAYS)] = auth_service.TOKEN_DEFAULT_DAYS
    site_id: Annotated[int | None, Field(ge=1, le=2**31 - 1, description="この拠点だけ / this site only")] = None


class TokenOut(Schema):
    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime
    scopes: list[str]
    site_id: int | None

    @classmethod
    def of(cls, row: ApiToken) -> TokenOut:
        return cls(id=row.id, name=row.name, created_at=row.created_at, revoked_at=row.revoked_at,
                   expires_at=row.expires_at, scopes=row.scope_list, site_id=row.site_id)


class NewTokenOut(TokenOut):
    token: str


@router.post("/login", response_model=LoginOut, responses={429: {"description": "throttled"}})
def login(body: LoginIn, request: Request, response: Response, _slot: LoginSlot, session: SessionDep,
          settings: SettingsDep) -> LoginOut:
    """ログイン (セッションCookieを発行) / log in: sets the session cookie, returns the CSRF token."""
    user = _authenticate(session, settings, request, body.email, body.password, body.pow_challenge, body.pow_nonce)
    token, csrf = auth_service.start_session(
        session=session, user=user, secret_key=settings.secret_key,
        max_age_seconds=settings.session_max_age_seconds,
    )
    session.commit()
    set_session_cookie(response, settings, token)
    return LoginOut(user=UserOut.model_validate(user), csrf_token=csrf)


def _authenticate(session: SessionDep, settings: SettingsDep, request: Request, email: str,
                  password: str, pow_challenge: str = "", pow_nonce: str = "") -> User:
    try:
        return auth_service.authenticate(
            session=session, email=email, password=password, client=client_label(request),
            secret_key=settings.secret_key, policy=settings.login_policy,
            pow_challenge=pow_challenge, pow_nonce=pow_nonce,
        )
    except PermissionDeniedError:
        session.commit()  # keep the failure count and its audit entry
        raise


@router.post("/session", response_class=RedirectResponse, status_code=303)
def login_form(
    request: Request,
    _slot: LoginSlot,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[Text, Form(max_length=254)] = "",
    password: Annotated[Text, Form(max_length=1024)] = "",
    csrf_token: Annotated[Text, Form(max_length=200)] = "",
    next: Annotated[Text, Form(max_length=2000)] = "/",
    pow_challenge: Annotated[Text, Form(max_length=200)] = "",
    pow_nonce: Annotated[Text, Form(max_length=64)] = "",
) -> RedirectResponse:
    """フォームからのログイン (303リダイレクト) / form login for the web pages (303 redirect)."""
    target = safe_next(next)
    failed = "/login?error={}&next=" + quote(target, safe="")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not csrf_matches(expected, csrf_token):
        return RedirectResponse(failed.format("csrf"), status_code=303)
    try:
        user = _authenticate(session, settings, request, email, password, pow_challenge, pow_nonce)
    except auth_service.ProofOfWorkRequiredError as exc:
        return RedirectResponse(failed.format("pow") + "&challenge=" + quote(exc.challenge, safe=""), status_code=303)
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
    return [TokenOut.of(t) for t in auth_service.list_api_tokens(session=session, user=user)]


@router.post("/tokens", response_model=NewTokenOut, status_code=201)
def create_token(body: TokenIn, user: CurrentUser, auth: AuthDep, session: SessionDep,
                 settings: SettingsDep) -> NewTokenOut:
    """APIトークンを発行 (ログイン直後のブラウザのみ・値は一度だけ表示) / create an API token.

    Only from a browser session whose login is recent (`token_mint_login_age_seconds`): a token
    never mints tokens, so revoking a stolen token ends everything its thief made.
    """
    login_age = (utcnow() - auth.web_session.created_at).total_seconds() if auth.web_session else None
    if login_age is None or login_age > settings.token_mint_login_age_seconds:
        raise PermissionDeniedError(Message(
            "APIトークンはブラウザで直前にログインしてから発行してください (トークンからは発行できません)",
            "create API tokens from a browser session right after logging in (a token cannot create tokens)",
        ))
    row, raw = auth_service.create_api_token(
        session=session, user=user, name=body.name, secret_key=settings.secret_key, scopes=body.scopes,
        expires_in_days=body.expires_in_days, site_id=body.site_id,
    )
    session.commit()
    return NewTokenOut(**TokenOut.of(row).model_dump(), token=raw)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: IdPath, user: CurrentUser, session: SessionDep) -> TokenOut:
    """APIトークンを失効 / revoke one of your API tokens."""
    row = auth_service.revoke_api_token(session=session, user=user, token_id=token_id)
    session.commit()
    return TokenOut.of(row)



