"""Helpers for the page tests: a real app on a fresh SQLite database (migrated), real users.

Imported by `tests/web/test_pages_*.py` (not a conftest, so the case-file engineer's fixtures in
this folder stay theirs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from kasuhara.config import Settings
from kasuhara.store.migrate import upgrade
from kasuhara.web.app import create_app

PASSWORD = "correct horse battery staple"


def make_settings(tmp_path: Path, database_url: str | None = None) -> Settings:
    db = tmp_path / "kasuhara.db"
    return Settings(
        environment="development",
        data_dir=tmp_path,
        database_url=database_url or f"sqlite:///{db}",
        secret_key="test-secret-key-for-pages-0123456789",
    )


@contextmanager
def app_client(tmp_path: Path, database_url: str | None = None) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, database_url)
    upgrade(settings.database_url)
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        client.app_state = app.state  # type: ignore[attr-defined]
        yield client
    app.state.engine.dispose()


def add_user(client: TestClient, *, email: str, role: str, site_codes: tuple[str, ...] = ()) -> int:
    from kasuhara.services.auth import hash_password
    from kasuhara.store.models.sites import Site
    from kasuhara.store.models.users import User

    factory = client.app_state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        user = User(email=email, display_name=email.split("@")[0], role=role, password_hash=hash_password(PASSWORD))
        session.add(user)
        session.flush()
        for code in site_codes:
            site = session.query(Site).filter_by(code=code).one_or_none()
            if site is None:
                site = Site(code=code, name=f"{code} 店")
                session.add(site)
                session.flush()
            session.execute(
                __import__("kasuhara.store.models.users", fromlist=["user_sites"]).user_sites.insert().values(
                    user_id=user.id, site_id=site.id
                )
            )
        session.commit()
        return int(user.id)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def login(client: TestClient, email: str) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post(
        "/api/v1/auth/session",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": "/"},
    )
    assert response.status_code == 303 and "error" not in response.headers["location"], response.headers
