"""`create_app(settings)`: the FastAPI application, built on demand (nothing at import).

Routers are found by discovery: every module in `kasuhara/web/api/` with a `router` is mounted
under `/api/v1`, every module in `kasuhara/web/pages/` at `/`, so areas add modules instead of
editing this file. Modules whose name starts with `_` are helpers and are skipped.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.types import ASGIApp, Receive, Scope, Send

import kasuhara.web.api as api_package
import kasuhara.web.pages as pages_package
from kasuhara import __version__
from kasuhara.config import Settings
from kasuhara.store.blobs import LocalEvidenceStore
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.web import desk_housekeeping, errors

API_PREFIX = "/api/v1"


def discover_routers(package_name: str, path: list[str]) -> list[tuple[str, APIRouter]]:
    found: list[tuple[str, APIRouter]] = []
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package_name}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append((info.name, router))
    return found


def _sweep_orphans(app: FastAPI) -> None:
    """Remove evidence files left by a process killed between writing a file and committing its row."""
    from kasuhara.store.models.evidence import Evidence

    try:
        with app.state.session_factory() as session:
            keys = set(session.scalars(select(Evidence.storage_key)))
    except Exception:  # no schema yet (fresh database before `db upgrade`): nothing to sweep
        return
    # At start-up nothing is being uploaded yet; a minute's margin covers a sibling worker starting at once.
    app.state.evidence_store.sweep(keys, older_than_seconds=60)


class _BodySizeLimit:
    """Refuse an announced body over the upload limit before it is read (413).

    A plain ASGI wrapper rather than `@app.middleware("http")`: Starlette's `BaseHTTPMiddleware`
    runs every request through an extra task and memory streams, about a quarter of a millisecond
    of CPU per request for what is one header lookup.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit = max_bytes + 1024 * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if value.isdigit() and int(value) > self.limit:
                        response = JSONResponse(
                            {"detail": "ファイルが大きすぎます / request body too large",
                             "msg_ja": f"ファイルが大きすぎます (上限 {self.max_bytes} バイト)",
                             "msg_en": f"request body too large (limit {self.max_bytes} bytes)"},
                            status_code=413,
                        )
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings if settings is not None else Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _sweep_orphans(app)
        restamp = desk_housekeeping.start(app.state.session_factory, app.state.engine)
        yield
        await desk_housekeeping.stop(restamp)
        hub = getattr(app.state, "call_hub", None)  # live calls (web/api/calls.py), made on first use
        if hub is not None:
            await hub.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="kasuhara API",
        version=__version__,
        description=(
            "カスタマーハラスメント対策システムの事案ファイルAPI (事案・証拠・判断・対応・顧客・監査ログ)。\n\n"
            "Case-file API of the customer-harassment system: incidents, evidence, judgments, "
            "decisions, customers and the audit log."
        ),
        lifespan=lifespan,
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.evidence_store = LocalEvidenceStore(settings.evidence_path)
    errors.install(app)
    app.add_middleware(_BodySizeLimit, max_bytes=settings.max_upload_bytes)
    for _name, router in discover_routers(api_package.__name__, list(api_package.__path__)):
        app.include_router(router, prefix=API_PREFIX)
    for _name, router in discover_routers(pages_package.__name__, list(pages_package.__path__)):
        app.include_router(router)
    return app
