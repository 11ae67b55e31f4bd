"""Cookie, CSRF and bearer-token plumbing for the web layer.

Browsers authenticate with an HttpOnly session cookie; every unsafe request (POST, PUT, PATCH,
DELETE) made with that cookie must carry the session's CSRF token, in the `X-CSRF-Token` header
or the `csrf_token` form field. Integrations send `Authorization: Bearer <token>` instead and
are exempt, since a browser never adds that header by itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request, Response

from kasuhara.config import Settings
from kasuhara.store.models.users import ApiToken, User, WebSession

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class AuthResult:
    """How the request authenticated: `via` is "cookie", "bearer" or "" (anonymous)."""

    user: User | None
    via: str = ""
    web_session: WebSession | None = None
    bearer_invalid: bool = False
    api_token: ApiToken | None = None


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token sent with the request: header first, then a form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_TYPES):
        try:
            form = await request.form()
        except Exception:  # a malformed body: the endpoint will reject it; no token here
            return None
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def csrf_matches(expected: str, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(expected, str(submitted))


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(settings.session_cookie_name, path="/")


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site relative paths, so a login link cannot send people elsewhere."""
    if not url:
        return default
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url


def client_label(request: Request) -> str:
    return request.client.host if request.client else "unknown"
