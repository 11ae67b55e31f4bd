"""`kasuhara desk holidays YEAR` and `kasuhara desk scan`.

`holidays` prints the Japanese national holidays the reply deadlines skip (computed offline);
`scan` re-links customer records and re-checks the repeat-offender threshold for everyone, for
after an import or a change of the company's threshold.
"""

from __future__ import annotations

import argparse
from typing import Any

from kasuhara.config import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("desk", help="相談窓口・悪質顧客 / consultation desk and repeat offenders")
    sub = parser.add_subparsers(dest="desk_command", metavar="SUBCOMMAND")
    holidays = sub.add_parser("holidays", help="祝日の一覧 / national holidays of a year")
    holidays.add_argument("year", type=int)
    holidays.add_argument("--lang", choices=("ja", "en"), default="ja")
    holidays.set_defaults(handler=run_holidays)
    scan = sub.add_parser("scan", help="顧客の結び付けと基準件数の再確認 / re-link customers, re-check threshold")
    scan.add_argument("--database-url")
    scan.add_argument("--lang", choices=("ja", "en"), default="ja")
    scan.set_defaults(handler=run_scan)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def run_holidays(args: argparse.Namespace) -> int:
    from kasuhara.desk.calendar import holidays

    for day, (name_ja, name_en) in holidays(args.year).items():
        print(f"{day.isoformat()}  {name_en if args.lang == 'en' else name_ja}")
    return 0


def run_scan(args: argparse.Namespace) -> int:
    from kasuhara.services import offenders
    from kasuhara.services.consultations import japan_today as today
    from kasuhara.store.engine import make_engine, make_session_factory

    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    engine = make_engine(settings.database_url)
    from kasuhara.services import audit as _audit
    _audit.configure(engine, settings)  # key the audit chain when this instance has a key
    try:
        with make_session_factory(engine)() as session:
            count = offenders.scan(session, today=today())
            session.commit()
        if engine.dialect.name == "postgresql":  # for deployments whose app workers do not run the loop
            from kasuhara.web.desk_housekeeping import restamp_once

            restamp_once(make_session_factory(engine), engine)
    finally:
        engine.dispose()
    print(f"new alerts: {count}" if args.lang == "en" else f"新しい通知: {count}件")
    return 0
