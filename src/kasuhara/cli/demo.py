"""`kasuhara demo`: a fresh, populated instance under the data dir, served on http://127.0.0.1:8000.

Runs every module in `kasuhara/demo/` that has `ORDER` and `populate(session, context)`, in order,
on a new SQLite database (`<data_dir>/demo/kasuhara-demo.db`). Demo passwords are printed: the
command refuses to run outside the development environment.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import shutil
import time
from types import ModuleType
from typing import Any

from kasuhara.config import Settings, load_settings
from kasuhara.errors import KasuharaError, Message


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="デモデータで起動 / run with demo data")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--no-serve", action="store_true", help="作成のみ / only create the data")
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    parser.set_defaults(handler=run_demo)


def demo_modules() -> list[ModuleType]:
    import kasuhara.demo as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kasuhara.demo.{info.name}")
        if isinstance(getattr(module, "ORDER", None), int) and callable(getattr(module, "populate", None)):
            found.append(module)
    return sorted(found, key=lambda m: (m.ORDER, m.__name__))


def build_demo(settings: Settings) -> dict[str, Any]:
    """Create the demo database from scratch and populate it; returns the shared context."""
    from kasuhara.store.engine import make_engine, make_session_factory
    from kasuhara.store.migrate import upgrade

    shutil.rmtree(settings.data_dir, ignore_errors=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    context: dict[str, Any] = {"settings": settings, "accounts": [], "notes": []}
    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        for module in demo_modules():
            with factory() as session:
                module.populate(session, context)
                session.commit()
    finally:
        engine.dispose()
    return context


def run_demo(args: argparse.Namespace) -> int:
    base = load_settings()
    if base.environment != "development":
        raise KasuharaError(Message("デモは開発環境 (KASUHARA_ENVIRONMENT=development) でのみ実行できます",
                                    "the demo runs only in the development environment"))
    data_dir = base.data_dir / "demo"
    overrides: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": f"sqlite:///{(data_dir / 'kasuhara-demo.db').as_posix()}",
        "evidence_dir": data_dir / "evidence",
    }
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = load_settings(**overrides)
    started = time.monotonic()
    context = build_demo(settings)
    en = args.lang == "en"
    print(("demo data ready in" if en else "デモデータを作成しました:") + f" {time.monotonic() - started:.1f}s")
    print(("database" if en else "データベース") + f": {settings.database_url}")
    print(("open" if en else "ブラウザで開く") + f": http://{settings.host}:{settings.port}/")
    print(("API docs" if en else "API仕様") + f": http://{settings.host}:{settings.port}/docs")
    print("demo accounts:" if en else "デモ用アカウント (開発環境のみ):")
    for email, role, password in context.get("accounts", []):
        print(f"  {email:32} {role:11} {password}")
    for note in context.get("notes", []):
        print(f"  {note}")
    if args.no_serve:
        return 0
    from kasuhara.cli.serve import serve

    serve(settings)
    return 0
