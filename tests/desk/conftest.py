"""Fixtures for the desk's service and API tests: a migrated database with people of every role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from deskkit import KEY, People, make_user
from sqlalchemy.orm import Session

from kasuhara.desk.crypto import FieldCipher
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import user_sites


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(KEY)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    upgrade(db_url)
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with factory() as s:
        yield s
    engine.dispose()


@pytest.fixture
def people(session: Session) -> People:
    site_a = Site(code="A", name="新宿店")
    site_b = Site(code="B", name="渋谷店")
    session.add_all([site_a, site_b])
    session.flush()
    p = People(
        staff=make_user(session, "staff", "山田 花子", "hanako.yamada@example.jp"),
        supervisor=make_user(session, "supervisor", "佐藤 一郎", "ichiro.sato@example.jp"),
        desk=make_user(session, "desk", "鈴木 窓口", "desk@example.jp"),
        admin=make_user(session, "admin", "管理 太郎", "admin@example.jp"),
        auditor=make_user(session, "auditor", "監査 次郎", "audit@example.jp"),
        other_supervisor=make_user(session, "supervisor", "高橋 三郎", "saburo@example.jp"),
        site_a=site_a,
        site_b=site_b,
    )
    session.execute(
        user_sites.insert(),
        [
            {"user_id": p.staff.id, "site_id": site_a.id},
            {"user_id": p.supervisor.id, "site_id": site_a.id},
            {"user_id": p.other_supervisor.id, "site_id": site_b.id},
        ],
    )
    session.commit()
    return p


