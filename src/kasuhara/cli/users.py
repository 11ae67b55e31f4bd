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
    grant = sub.add_parser("grant-desk", help="窓口の役割を付与 (最初の担当者。以後は申請) / give the desk role "
                                              "(the first member; afterwards a request a desk member confirms)")
    grant.add_argument("email")
    grant.add_argument("--database-url")
    grant.add_argument("--lang", choices=("ja", "en"), default="ja")
    grant.set_defaults(handler=run_grant_desk)
    box = sub.add_parser("outbox", help="未送信のメール (パスワード設定のリンク) を表示 / print unsent mail (password links)")
    box.add_argument("--database-url")
    box.add_argument("--mark-sent", action="store_true", help="表示したものを送信済みにする / mark printed mail as sent")
    box.set_defaults(handler=run_outbox)
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
            from kasuhara.services import desk_access

            if args.role == "desk" and desk_access.has_desk(session):
                raise InputError([FieldProblem("role", Message(
                    "窓口の担当者がすでにいます。別の役割で作成し、付与を申請してください (kasuhara users grant-desk)",
                    "the desk has members: create the user with another role and request a grant (users grant-desk)"))])
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


def run_grant_desk(args: argparse.Namespace) -> int:
    """Run on the server: with no desk yet the person becomes its first member, otherwise a request."""
    from kasuhara.services import desk_access
    from kasuhara.store.engine import make_engine, make_session_factory

    settings = load_settings(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            grant = desk_access.grant_from_server(session, email=args.email, base_url=settings.public_url)
            session.commit()
            en = args.lang == "en"
            if grant.status == "confirmed":
                print(f"desk role given: {args.email}" if en else f"窓口の役割を付与しました: {args.email}")
            else:
                print(f"a desk member must confirm grant {grant.id} on /desk/access" if en
                      else f"付与を申請しました (番号 {grant.id})。窓口の担当者が /desk/access で確認します")
    finally:
        engine.dispose()
    return 0


def run_outbox(args: argparse.Namespace) -> int:
    """What the mail adapter would send; the operator passes each link to its addressee only."""
    from kasuhara.services import desk_access
    from kasuhara.store.engine import make_engine, make_session_factory
    from kasuhara.store.types import utcnow

    settings = load_settings(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            for mail in desk_access.outbox(session):
                print(f"To: {mail.to_email}\nSubject: {mail.subject}\n\n{mail.body}\n---")
                if args.mark_sent:
                    mail.sent_at = utcnow()
            session.commit()
    finally:
        engine.dispose()
    return 0
