"""`kasuhara serve`: apply migrations, then run the web app with uvicorn."""

from __future__ import annotations

import argparse
from typing import Any

from kasuhara.config import Settings, load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="Webアプリを起動 / run the web app")
    parser.add_argument("--host", help="既定は設定の host / default: the host setting")
    parser.add_argument("--port", type=int, help="既定は 8000 / default: the port setting")
    parser.add_argument("--workers", type=int, default=1, help="ワーカー数 / worker processes")
    parser.add_argument("--no-upgrade", action="store_true", help="起動時に db upgrade しない / skip migrations")
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    overrides: dict[str, Any] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = load_settings(**overrides)
    if not args.no_upgrade:
        from kasuhara.store.migrate import upgrade

        upgrade(settings.database_url)
    serve(settings, workers=args.workers)
    return 0


def serve(settings: Settings, *, workers: int = 1) -> None:
    """Run uvicorn; with several workers each builds its own app from the same settings (env)."""
    import os

    import uvicorn

    if workers > 1:
        for key, value in settings.model_dump(exclude_none=True).items():
            os.environ[f"KASUHARA_{key.upper()}"] = str(value)
        uvicorn.run("kasuhara.web.asgi:app", host=settings.host, port=settings.port, workers=workers,
                    log_level="warning", access_log=False)
        return
    from kasuhara.web.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning",
                access_log=False)
