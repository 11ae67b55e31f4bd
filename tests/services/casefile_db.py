"""A schema on SQLite and PostgreSQL with a site and users per role, for the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import kasuhara.store.models  # noqa: F401
from kasuhara.services import auth, sites, users
from kasuhara.store.base import Base
from kasuhara.store.engine import make_engine, make_session_factory


@dataclass
class Db:
    engine: Engine
    sessions: sessionmaker[Session]
    site_id: int
    user_ids: dict[str, int]


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def db(db_url: str) -> Iterator[Db]:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        site = sites.create(session=session, actor=None, code="A", name="新宿店")
        ids = {}
        for role in ("staff", "supervisor", "admin"):
            user = users.create(session=session, actor=None, email=f"{role}@example.jp", display_name=role,
                                role=role, password="a-long-password", site_ids=[site.id])
            ids[role] = user.id
        session.commit()
    yield Db(engine, factory, site.id, ids)
    engine.dispose()
