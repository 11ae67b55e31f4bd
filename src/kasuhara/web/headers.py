"""Security headers on every response: CSP, no framing, HSTS in production, and the API docs page.

The Content-Security-Policy allows scripts only from the app itself (every page script is a
static file; the one data block, the dashboard's chart data, is `application/json`, which is
never executed). Styles also allow inline `style=""` attributes, which a few templates use;
that is the remaining gap (an injected style cannot run code). `frame-ancestors 'none'` and
`X-Frame-Options: DENY` keep every page, `/consult` included, out of other sites' frames.
HSTS is sent in production, where the app runs behind TLS (browsers ignore it over plain HTTP).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        fixed = [
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
        ]
        if hsts:
            fixed.append((b"strict-transport-security", HSTS.encode()))
        self.fixed = fixed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(item for item in self.fixed if item[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


DOCS_HTML = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>kasuhara API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<link rel="icon" href="/static/img/favicon.svg"></head>
<body><div id="swagger-ui"><p>API仕様 / API description: <a href="/openapi.json">/openapi.json</a></p></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api_docs.js"></script>
</body></html>
"""
"""Swagger UI from the package's own static files (npm, `scripts/build_assets.sh`), never a CDN."""
