"""`kasuhara users add`: create a login (the first admin, or anyone) from the command line."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any

from kasuhara.config import load_settings
from kasuhara.store.models.users import ROLES


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("users", help="利用者 / users")
    sub = parser.add_subparsers(dest="users_command", metavar="SUBCOMMAND")
    add = sub.add_parser("add", help="利用者を追加 / add a user")
    add.add_argument("email")
    add.add_argument("--name", required=True, help="表示名 / display name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--site", action="append", default=[], help="拠点コード (複数可) / site code, repeatable")
    add.add_argument("--password-env", default="KASUHARA_NEW_PASSWORD",
                     help="パスワードを読む環境変数 (未設定なら入力) / env var holding the password, else prompt")
    add.add_argument("--lang", choices=("ja", "en"), default="ja")
    add.set_defaults(handler=run_add)
    parser.set_defaults(handler=lambda _args: (parser.print_help(), 2)[1])


def run_add(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from kasuhara.errors import FieldProblem, InputError, Message
    from kasuhara.services import users
    from kasuhara.store.engine import make_engine, make_session_factory
    from kasuhara.store.models.sites import Site

    settings = load_settings()
    password = os.environ.get(args.password_env) or getpass.getpass("パスワード / password: ")
    engine = make_engine(settings.database_url)
    from kasuhara.services import audit as _audit
    _audit.configure(engine, settings)  # key the audit chain when this instance has a key
    try:
        with make_session_factory(engine)() as session:
            site_ids = []
            for code in args.site:
                site_id = session.scalar(select(Site.id).where(Site.code == code))
                if site_id is None:
                    raise InputError([FieldProblem("site", Message(f"拠点がありません: {code}", f"no such site: {code}"))])
                site_ids.append(site_id)
            user = users.create(session=session, actor=None, email=args.email, display_name=args.name,
                                role=args.role, password=password, site_ids=site_ids)
            session.commit()
            print(f"利用者を追加しました: {user.email} ({user.role})" if args.lang != "en"
                  else f"user added: {user.email} ({user.role})")
    finally:
        engine.dispose()
    return 0
