"""The login page. The form posts to the case-file API's form login (`POST /api/v1/auth/session`),
which checks the double-submit CSRF token this page sets and redirects to `next`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasuhara.web.deps import OptionalUser
from kasuhara.web.security import safe_next
from kasuhara.web.templating import render

router = APIRouter(include_in_schema=False)

ERRORS = {"1": "auth.failed", "csrf": "app.csrf_failed", "throttled": "auth.throttled", "pow": "auth.pow"}


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/", error: str = "",
               challenge: str = "") -> HTMLResponse:
    """Email and password; errors from the last attempt shown above the fields."""
    request.state.csrf_token = None  # the login form uses the pre-session double-submit token
    return render(
        request,
        "auth/login.html",
        {"next": safe_next(next), "error_key": ERRORS.get(error),
         "pow_challenge": challenge[:200] if error == "pow" else ""},
        status_code=401 if error else 200,
    )
