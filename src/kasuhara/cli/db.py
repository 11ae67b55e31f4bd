"""`kasuhara db upgrade`: create or update the database schema (Alembic `upgrade heads`)."""

from __future__ import annotations

import argparse
from typing import Any

from kasuhara.config import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="データベース / database schema")
    sub = parser.add_subparsers(dest="db_command", metavar="SUBCOMMAND")
    upgrade = sub.add_parser("upgrade", help="スキーマを最新にする / apply all migrations (upgrade heads)")
    upgrade.add_argument("--database-url", help="KASUHARA_DATABASE_URL の代わり / instead of the setting")
    upgrade.add_argument("--lang", choices=("ja", "en"), default="ja")
    upgrade.set_defaults(handler=run_upgrade)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def run_upgrade(args: argparse.Namespace) -> int:
    from kasuhara.store.migrate import upgrade

    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    upgrade(settings.database_url)
    _apply_company_file(settings)
    print("データベースを最新にしました" if args.lang != "en" else "database is up to date")
    return 0


def _apply_company_file(settings: Any) -> None:
    """Thresholds from `company_settings_file`, if one is configured."""
    if settings.company_settings_file is None:
        return
    from kasuhara.company import load_thresholds
    from kasuhara.services import company_settings
    from kasuhara.store.engine import make_engine, make_session_factory

    limits = load_thresholds(settings.company_settings_file)
    engine = make_engine(settings.database_url)
    from kasuhara.services import audit as _audit
    _audit.configure(engine, settings)  # key the audit chain when this instance has a key
    with make_session_factory(engine)() as session:
        company_settings.update(session=session, actor=None, changes=limits.to_dict())
        session.commit()
    engine.dispose()
