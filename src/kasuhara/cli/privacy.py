"""`kasuhara privacy purge` and `kasuhara privacy export --customer ID | --user ID`.

Purge deletes what is past the company's retention periods (desk settings) for real: rows are
deleted, and on SQLite freed pages are overwritten (`secure_delete`), the WAL is checkpointed and
the file vacuumed, so the deleted text is not left in the database file. Run it daily from cron.
Export prints everything held about one person as JSON (a subject-access request).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from kasuhara.config import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("privacy", help="個人情報の保存期間・開示 / retention purge and subject export")
    sub = parser.add_subparsers(dest="privacy_command", metavar="SUBCOMMAND")
    purge = sub.add_parser("purge", help="保存期間を過ぎたデータを削除 / delete data past its retention period")
    purge.add_argument("--database-url")
    purge.add_argument("--today", type=date.fromisoformat, help="基準日 YYYY-MM-DD (既定: 今日) / reference date")
    purge.add_argument("--lang", choices=("ja", "en"), default="ja")
    purge.set_defaults(handler=run_purge)
    export = sub.add_parser("export", help="本人に関する全データを出力 / export everything about a person")
    who = export.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", type=int, help="顧客ID / customer id")
    who.add_argument("--user", type=int, help="従業員(利用者)ID / employee (user) id")
    export.add_argument("--output", type=Path, help="出力ファイル (既定: 標準出力) / output file")
    export.add_argument("--database-url")
    export.add_argument("--lang", choices=("ja", "en"), default="ja")
    export.set_defaults(handler=run_export)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def _settings(args: argparse.Namespace) -> Any:
    overrides = {"database_url": args.database_url} if args.database_url else {}
    return load_settings(**overrides)


def run_purge(args: argparse.Namespace) -> int:
    from kasuhara.services import privacy
    from kasuhara.services.consultations import japan_today
    from kasuhara.store.engine import make_engine, make_session_factory

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    from kasuhara.services import audit as _audit
    _audit.configure(engine, settings)  # key the audit chain when this instance has a key
    try:
        with make_session_factory(engine)() as session:
            counts = privacy.purge(session, today=args.today or japan_today())
            session.commit()
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()  # outside any transaction (the engine begins IMMEDIATE)
            try:
                driver: Any = raw.driver_connection
                driver.execute("VACUUM")
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in ("consultations", "consultation_messages", "care_records", "care_check_ins",
                              "care_supports", "customers", "customer_identifiers"):
                    conn.execute(text(f"VACUUM {table}"))
    finally:
        engine.dispose()
    if args.lang == "en":
        print(f"deleted: consultations {counts['consultations']}, care records {counts['care_records']}, "
              f"customers {counts['customers']}; audit entries redacted {counts['audit_entries_redacted']}")
    else:
        print(f"削除しました: 相談 {counts['consultations']}件、ケア記録 {counts['care_records']}件、"
              f"顧客 {counts['customers']}件、個人情報を伏せた監査ログ {counts['audit_entries_redacted']}件")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from kasuhara.services import privacy
    from kasuhara.services.consultations import cipher_from_settings
    from kasuhara.store.engine import make_engine, make_session_factory

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    from kasuhara.services import audit as _audit
    _audit.configure(engine, settings)  # key the audit chain when this instance has a key
    try:
        with make_session_factory(engine)() as session:
            data = privacy.export(session, cipher=cipher_from_settings(settings), user_id=args.user,
                                  customer_id=args.customer)
            session.commit()
    finally:
        engine.dispose()
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if args.output:
        args.output.write_text(body + "\n", encoding="utf-8")
        print(f"{args.output} に書き出しました" if args.lang != "en" else f"written to {args.output}")
    else:
        print(body)
    return 0
