"""`kasuhara audit verify`: walk the audit log's hash chain; exit 1 if it was tampered with."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kasuhara.config import load_settings

EXIT_TAMPERED = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="監査ログ / audit log")
    sub = parser.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    verify = sub.add_parser("verify", help="ハッシュチェーンを検証 / verify the hash chain")
    verify.add_argument("--database-url")
    verify.add_argument("--format", choices=("text", "json"), default="text")
    verify.add_argument("--lang", choices=("ja", "en"), default="ja")
    verify.set_defaults(handler=run_verify)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def run_verify(args: argparse.Namespace) -> int:
    from kasuhara.services import audit
    from kasuhara.store.engine import make_engine, make_session_factory

    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    engine = make_engine(settings.database_url)
    seal = audit.configure(engine, settings)
    try:
        with make_session_factory(engine)() as session:
            report = audit.verify(session=session, seal=seal)
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    elif report.ok:
        print(f"監査ログは改ざんされていません ({report.checked}件)" if args.lang != "en"
              else f"audit log intact ({report.checked} entries)")
        if seal is None:
            print("注意: 監査キーがないため、鍵付きハッシュとチェックポイントは確認していません" if args.lang != "en"
                  else "note: no audit key found, so keyed hashes and checkpoints were not checked")
    else:
        print(f"監査ログの改ざんを検出しました: seq {report.broken_at}: {report.reason}" if args.lang != "en"
              else f"audit log TAMPERED at seq {report.broken_at}: {report.reason}")
    return 0 if report.ok else EXIT_TAMPERED
