"""The request gate: body-size caps per route and authentication before any body is read.

FastAPI reads (and spools to disk) a request's body before it resolves the dependencies that
authenticate it, so an anonymous client could make the server store a gigabyte before hearing
401, and a 200 MB JSON body to the login route was parsed in memory before any limit applied.
This ASGI layer sits in front of the routes and decides from the path alone:

- the cap of the route: the upload limit for routes that take files, a small cap for the login
  routes, a modest one for every other JSON or form route; an announced `Content-Length` over
  the cap is a 413 at once, and a chunked body is counted as it streams and cut at the cap;
- whether the route needs a signed-in caller (it depends on `CurrentUser`, or takes files):
  such a request with a large or chunked body that carries no valid session cookie or bearer
  token gets its 401 before one byte of the body is read (small bodies are read as usual).

A plain ASGI class rather than `@app.middleware("http")`: Starlette's `BaseHTTPMiddleware` runs
every request through an extra task and memory streams.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import APIRouter, UploadFile
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import cookie_parser
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasuhara.config import Settings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SMALL_BODY_PREFIXES = ("/api/v1/auth/",)
"""Routes that take only a few short fields (login, logout, tokens): the login cap."""
PAGE_UPLOAD_PATHS = ("/report", "/cases/{incident_id}/evidence")
"""Page routes that read files from `request.form()` themselves (not visible in their signature)."""
MULTIPART_OVERHEAD = 1024 * 1024
PRECHECK_ABOVE_BYTES = 64 * 1024
"""Bodies announced at most this big are read as usual (the view's own authentication answers
401): checking credentials first would cost every small JSON write a second look-up. Larger or
chunked bodies are refused before a byte is read unless the caller is signed in."""


@dataclass(frozen=True)
class RouteRule:
    pattern: re.Pattern[str]
    methods: frozenset[str]
    upload: bool
    needs_user: bool


def _depends_on(dependant: Dependant, target: Callable[..., Any]) -> bool:
    return any(d.call is target or _depends_on(d, target) for d in dependant.dependencies)


def _takes_files(route: APIRoute) -> bool:
    try:
        hints = typing.get_type_hints(route.endpoint, include_extras=True)
    except Exception:  # unresolvable annotations: judge by the text
        return "UploadFile" in str(getattr(route.endpoint, "__annotations__", {}))
    return any("UploadFile" in str(hint) or hint is UploadFile for hint in hints.values())


def route_rules(routers: Iterable[tuple[str, APIRouter]]) -> list[RouteRule]:
    """One rule per route, from the routers about to be mounted (`(prefix, router)` pairs)."""
    from kasuhara.web.deps import get_current_user, get_optional_user

    rules = []
    for prefix, router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            path = prefix + route.path
            upload = _takes_files(route) or path in PAGE_UPLOAD_PATHS
            needs_user = _depends_on(route.dependant, get_current_user) or (
                upload and _depends_on(route.dependant, get_optional_user))
            regex, _format, _convertors = compile_path(path)
            rules.append(RouteRule(regex, frozenset(route.methods or ()), upload, needs_user))
    return rules


class _BodyTooLarge(Exception):
    pass


class RequestGate:
    def __init__(self, app: ASGIApp, *, settings: Settings, rules: list[RouteRule],
                 credentials_valid: Callable[[str | None, str | None], bool]) -> None:
        self.app = app
        self.settings = settings
        self.rules = rules
        self.credentials_valid = credentials_valid

    def _rule(self, path: str, method: str) -> RouteRule | None:
        for rule in self.rules:
            if method in rule.methods and rule.pattern.match(path):
                return rule
        return None

    def _cap(self, path: str, rule: RouteRule | None) -> int:
        if rule is not None and rule.upload:
            return self.settings.max_upload_bytes + MULTIPART_OVERHEAD
        if path.startswith(SMALL_BODY_PREFIXES):
            return self.settings.max_login_body_bytes
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        rule = self._rule(path, scope["method"])
        cap = self._cap(path, rule)
        headers = {name: value for name, value in scope["headers"]}
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > cap:
            await _too_large(cap)(scope, receive, send)
            return
        small = length.isdigit() and int(length) <= PRECHECK_ABOVE_BYTES
        if rule is not None and rule.needs_user and not small and not await self._signed_in(scope, headers):
            await _unauthenticated()(scope, receive, send)
            return
        await self._limited(scope, receive, send, cap)

    async def _signed_in(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, value = authorization.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" and value.strip() else None
        cookie = cookie_parser(headers.get(b"cookie", b"").decode("latin-1")).get(
            self.settings.session_cookie_name)
        if token is None and not cookie:
            return False
        from kasuhara.web.deps import session_gate

        async with session_gate(scope["app"]):  # a session like any other: counted by the same gate
            return await anyio.to_thread.run_sync(self.credentials_valid, token, cookie)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        received = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    over = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                return  # the app's answer to a cut body is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await _too_large(cap)(scope, receive, send)


def _too_large(cap: int) -> JSONResponse:
    return JSONResponse(
        {"detail": "リクエストが大きすぎます / request body too large",
         "msg_ja": f"リクエストが大きすぎます (上限 {cap} バイト)",
         "msg_en": f"request body too large (limit {cap} bytes)"},
        status_code=413, headers={"Connection": "close"},
    )


def _unauthenticated() -> JSONResponse:
    return JSONResponse(
        {"detail": "ログインしてください / authentication required",
         "msg_ja": "ログインしてください", "msg_en": "authentication required"},
        status_code=401, headers={"WWW-Authenticate": "Bearer", "Connection": "close"},
    )
