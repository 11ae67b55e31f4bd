"""`create_app(settings)`: the FastAPI application, built on demand (nothing at import).

Routers are found by discovery: every module in `kasuhara/web/api/` with a `router` is mounted
under `/api/v1`, every module in `kasuhara/web/pages/` at `/`, so areas add modules instead of
editing this file. Modules whose name starts with `_` are helpers and are skipped.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from sqlalchemy import select

import kasuhara.web.api as api_package
import kasuhara.web.pages as pages_package
from kasuhara import __version__
from kasuhara.config import Settings
from kasuhara.services import audit
from kasuhara.store.blobs import LocalEvidenceStore
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.web import desk_housekeeping, errors
from kasuhara.web.headers import DOCS_HTML, SecurityHeaders
from kasuhara.web.limits import RequestGate, route_rules

API_PREFIX = "/api/v1"
POOL_OVERFLOW = 10
"""Connections beyond `max_db_sessions` for work outside a request (start-up sweep, background jobs)."""


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


def _sweep_orphans(app: FastAPI) -> list[str]:
    """Remove evidence files left by a process killed between writing a file and committing its row.

    Files are listed first, then the rows read: a file whose row commits in between is known by
    then. Only files older than the grace period go, and never one this process is committing.
    """
    from kasuhara.store.models.evidence import Evidence

    store = app.state.evidence_store
    grace = app.state.settings.evidence_orphan_grace_seconds
    candidates = store.candidates(older_than_seconds=grace) if hasattr(store, "candidates") else None
    if candidates == []:
        return []
    try:
        with app.state.session_factory() as session:
            keys = set(session.scalars(select(Evidence.storage_key)))
            session.commit()
    except Exception:  # no schema yet (fresh database before `db upgrade`): nothing to sweep
        return []
    removed: list[str] = store.sweep(keys, older_than_seconds=grace, candidates=candidates)
    return removed


async def _sweep_on_schedule(app: FastAPI) -> None:
    """Sweep again every `evidence_sweep_interval_seconds` (a restart within the grace period leaves
    the killed process's files to this schedule)."""
    while True:
        await asyncio.sleep(app.state.settings.evidence_sweep_interval_seconds)
        try:
            await anyio.to_thread.run_sync(_sweep_orphans, app)
        except Exception:  # a failed sweep must not stop the next one
            continue


def _credentials_checker(app: FastAPI) -> Callable[[str | None, str | None], bool]:
    """For the request gate: is this bearer token or session cookie live? (one short transaction)"""
    from kasuhara.services import auth as auth_service

    def valid(token: str | None, cookie: str | None) -> bool:
        secret = app.state.settings.secret_key
        with app.state.session_factory() as session:
            if token is not None:
                ok = auth_service.token_auth(session=session, token=token, secret_key=secret) is not None
            else:
                ok = cookie is not None and auth_service.session_user(
                    session=session, token=cookie, secret_key=secret) is not None
            session.commit()
        return ok

    return valid


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings if settings is not None else Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _sweep_orphans(app)
        sweeper = asyncio.create_task(_sweep_on_schedule(app))
        restamp = desk_housekeeping.start(app.state.session_factory, app.state.engine)
        try:
            yield
        finally:
            sweeper.cancel()
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
        docs_url=None,
        redoc_url=None,
    )
    engine = make_engine(settings.database_url, pool_size=settings.max_db_sessions, max_overflow=POOL_OVERFLOW)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.session_gates = weakref.WeakKeyDictionary()
    app.state.evidence_store = LocalEvidenceStore(settings.evidence_path)
    audit.configure(engine, settings, create_key=True)
    errors.install(app)
    mounted = [(API_PREFIX, router) for _n, router in discover_routers(api_package.__name__, list(api_package.__path__))]
    mounted += [("", router) for _n, router in discover_routers(pages_package.__name__, list(pages_package.__path__))]
    app.add_middleware(RequestGate, settings=settings, rules=route_rules(mounted),
                       credentials_valid=_credentials_checker(app))
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production")
    for prefix, router in mounted:
        app.include_router(router, prefix=prefix)

    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        """Swagger UI served from the package (the default page loads it from a CDN)."""
        return HTMLResponse(DOCS_HTML)
    return app
