"""A small populated case-file instance for the API tests, on SQLite and PostgreSQL.

Import the fixtures into a test module with `from casefile_world import world  # noqa: F401`.
Two sites, one user per role (plus a second staff member and a supervisor at the other site),
an API token each, one incident reported by `staff` at site A and one at site B.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

import kasuhara.store.models  # noqa: F401
from kasuhara.config import Settings
from kasuhara.services import auth, incidents, sites, users
from kasuhara.store.base import Base
from kasuhara.web.app import create_app

PASSWORD = "correct-horse-battery"
ROLE_USERS = ("staff", "staff_other", "supervisor", "supervisor_b", "desk", "admin", "auditor")
FACTS = {
    "demand": {"kind": "refund", "validity": "invalid"},
    "behaviours": ["verbal_abuse"],
    "duration_minutes": 95,
}


@dataclass
class World:
    client: TestClient
    app: Any
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    site_a: int = 0
    site_b: int = 0
    incident_a: int = 0
    incident_b: int = 0

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who != "anonymous" else {}

    def call(self, who: str, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**self.headers(who), **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with tiny costs: the tests check behaviour, not the work factor."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def build_world(db_url: str, tmp_path: Path, **settings_overrides: Any) -> Iterator[World]:
    settings = Settings(database_url=db_url, data_dir=tmp_path, evidence_dir=tmp_path / "evidence",
                        **settings_overrides)
    app = create_app(settings)
    Base.metadata.create_all(app.state.engine)
    world = World(client=TestClient(app), app=app, settings=settings)
    with app.state.session_factory() as session:
        site_a = sites.create(session=session, actor=None, code="A", name="新宿店", prefecture_code="13")
        site_b = sites.create(session=session, actor=None, code="B", name="梅田店", prefecture_code="27")
        world.site_a, world.site_b = site_a.id, site_b.id
        home = {"staff": [site_a.id], "staff_other": [site_a.id], "supervisor": [site_a.id],
                "supervisor_b": [site_b.id]}
        for name in ROLE_USERS:
            role = name.split("_")[0]
            user = users.create(session=session, actor=None, email=f"{name}@example.jp", display_name=name,
                                role=role, password=PASSWORD, site_ids=home.get(name, []))
            world.user_ids[name] = user.id
            _row, raw = auth.create_api_token(session=session, user=user, name="tests",
                                              secret_key=settings.secret_key)
            world.tokens[name] = raw
        staff = session.get(users.User, world.user_ids["staff"])
        sup_b = session.get(users.User, world.user_ids["supervisor_b"])
        assert staff is not None and sup_b is not None
        when = datetime(2026, 10, 5, 1, 30, tzinfo=UTC)
        world.incident_a = incidents.create(session=session, actor=staff, site_id=site_a.id, occurred_at=when,
                                            channel="phone", title="返金の強要", facts=FACTS).id
        world.incident_b = incidents.create(session=session, actor=sup_b, site_id=site_b.id, occurred_at=when,
                                            channel="in_person", title="長時間の居座り").id
        session.commit()
    with world.client:
        yield world
    app.state.engine.dispose()


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    yield from build_world(db_url, tmp_path)
