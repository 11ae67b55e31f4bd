"""Helpers shared by the staff pages: who may see a page, and errors shown as pages, not JSON.

The API's error handler answers in JSON; a person in a browser needs a page in their language
with a way back, and form errors next to the field. Anonymous visitors of a signed-in page are
sent to the login page and come back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kasuhara.errors import InputError, KasuharaError, NotFoundError, PermissionDeniedError
from kasuhara.store.models.users import User
from kasuhara.web.deps import AuthDep
from kasuhara.web.i18n import Translator
from kasuhara.web.security import SAFE_METHODS, csrf_matches, submitted_csrf
from kasuhara.web.templating import render, translator

T = TypeVar("T")


async def page_user(request: Request, auth: AuthDep) -> User | None:
    """The signed-in user for a page, like `deps.OptionalUser`, but a missing or stale CSRF token
    on a form post does not become a JSON 403: it is noted on `request.state.csrf_ok`, and
    `require_user` shows it as a page (the report form even comes back with what was typed)."""
    request.state.user = auth.user
    request.state.csrf_ok = True
    if auth.via == "cookie" and request.method not in SAFE_METHODS and auth.web_session is not None:
        request.state.csrf_ok = csrf_matches(auth.web_session.csrf_token, await submitted_csrf(request))
    return auth.user


PageUser = Annotated[User | None, Depends(page_user)]


def csrf_ok(request: Request) -> bool:
    return bool(getattr(request.state, "csrf_ok", True))


def require_user(request: Request, user: User | None, roles: Iterable[str] = (), *, check_csrf: bool = True) -> User:
    """The signed-in user; anonymous visitors go to the login page (303), wrong roles get 403, and a
    form post without the session's CSRF token gets the "form expired" page (403)."""
    if check_csrf and not csrf_ok(request):
        raise PageError("csrf")
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(status_code=303, headers={"Location": "/login?next=" + quote(target, safe="")})
    allowed = set(roles)
    if allowed and user.role not in allowed:
        raise PageError(PermissionDeniedError.__name__)
    return user


class PageError(Exception):
    """Raised inside a page handler to show the error page (kind: the error class name)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def error_page(request: Request, exc: Exception) -> HTMLResponse:
    """A 403/404/409/422 page in the user's language with a way back."""
    t = translator(request)
    status, text = 400, ""
    kind = exc.kind if isinstance(exc, PageError) else type(exc).__name__
    if kind == "csrf":
        status, text = 403, t("app.csrf_failed")
    elif kind == PermissionDeniedError.__name__ or isinstance(exc, PermissionDeniedError):
        status, text = 403, t("app.forbidden")
    elif isinstance(exc, NotFoundError) or kind == "NotFoundError":
        status, text = 404, t("app.not_found")
    elif isinstance(exc, KasuharaError):
        from kasuhara.web.errors import status_for

        status, text = status_for(exc), exc.text(t.lang)
    return render(request, "error.html", {"status": status, "message": text}, status_code=status)


def guarded(request: Request, session: Session, work: Callable[[], Response]) -> Response:
    """Run a page handler; known errors become the error page (and the transaction is undone)."""
    try:
        return work()
    except (PageError, PermissionDeniedError, NotFoundError) as exc:
        session.rollback()
        return error_page(request, exc)
    except KasuharaError as exc:
        if isinstance(exc, InputError):
            raise
        session.rollback()
        return error_page(request, exc)


def field_errors(exc: InputError, t: Translator, *, strip: str = "") -> dict[str, str]:
    """Field path -> message in the user's language (first message per field)."""
    out: dict[str, str] = {}
    for problem in exc.problems:
        name = problem.field.removeprefix(strip) if strip else problem.field
        text = problem.message.in_(t.lang)
        if problem.allowed and len(problem.allowed) <= 12:
            label = "使用できる値" if t.lang == "ja" else "allowed"
            text += f"（{label}: {', '.join(problem.allowed)}）"
        out.setdefault(name, text)
    return out


def local_time(moment: datetime | None) -> str:
    """A stored (UTC) time as Japan time, `YYYY-MM-DD HH:MM`."""
    if moment is None:
        return ""
    from kasuhara.services.incidents import JST, as_aware

    return as_aware(moment).astimezone(JST).strftime("%Y-%m-%d %H:%M")


def page_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a page endpoint: a wrong role, a missing record or a refused action becomes the error
    page in the user's language instead of a JSON body (the endpoint must take `request`)."""
    import functools
    import inspect

    def handle(kwargs: dict[str, Any], exc: Exception) -> Response:
        session = kwargs.get("session")
        if isinstance(session, Session):
            session.rollback()
        request = kwargs["request"]
        return error_page(request, exc)

    if inspect.iscoroutinefunction(func):
        @functools.wraps(func)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await func(*args, **kwargs)
            except (PageError, PermissionDeniedError, NotFoundError) as exc:
                return handle(kwargs, exc)

        return run_async

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (PageError, PermissionDeniedError, NotFoundError) as exc:
            return handle(kwargs, exc)

    return run
