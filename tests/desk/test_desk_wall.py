"""The desk wall (issue 14.1): no single account gains the right to read consultations and care records.

Each test is the probe that succeeded before: an admin making themself `desk`, setting a desk
member's password, or creating a desk account; now a grant needs a second person on the desk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskkit import KEY
from fastapi.testclient import TestClient
from sqlalchemy import select

from kasuhara.config import Settings
from kasuhara.services import desk_access
from kasuhara.services.auth import hash_password
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.audit import AuditEntry
from kasuhara.store.models.desk_access import MailOutbox
from kasuhara.store.models.users import User
from kasuhara.web.api.consultations import THROTTLE
from kasuhara.web.app import create_app

PASSWORD = "correct horse battery staple"
ADMIN_CHOSEN = "admin-knows-this-one-42"


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(environment="development", data_dir=tmp_path, database_url=db_url,
                        secret_key="wall-test-secret-key-0123456789abcdef", encryption_key=KEY,
                        public_url="https://kasuhara.example.jp")
    upgrade(db_url)
    app = create_app(settings)
    THROTTLE.reset()
    with TestClient(app) as c:
        c.app_state = app.state  # type: ignore[attr-defined]
        with app.state.session_factory() as s:
            for role, name, email in [("staff", "山田 花子", "staff@example.jp"), ("desk", "窓口 一号", "desk@example.jp"),
                                      ("admin", "管理 太郎", "admin@example.jp"),
                                      ("admin", "管理 次郎", "admin2@example.jp")]:
                s.add(User(email=email, display_name=name, role=role, password_hash=hash_password(PASSWORD)))
            s.commit()
        yield c


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def can_login(client: TestClient, email: str, password: str) -> bool:
    client.cookies.clear()
    return client.post("/api/v1/auth/login", json={"email": email, "password": password}).status_code == 200


def uid(client: TestClient, email: str) -> int:
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        return int(s.scalars(select(User.id).where(User.email == email)).one())


def role_of(client: TestClient, email: str) -> str:
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        return str(s.scalars(select(User.role).where(User.email == email)).one())


def outbox_token(client: TestClient, email: str) -> str:
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        mails = s.scalars(select(MailOutbox).where(MailOutbox.to_email == email).order_by(MailOutbox.id)).all()
    assert mails, "no mail in the outbox"
    found = re.search(r"https://kasuhara\.example\.jp/password-reset\?token=([A-Za-z0-9_\-]+)", mails[-1].body)
    assert found
    return found.group(1)


def loc(r: object) -> list[str]:
    body = r.json()  # type: ignore[attr-defined]
    return [str(p) for p in body["detail"][0]["loc"]]


def test_an_admin_cannot_give_themself_or_anyone_the_desk_role(client: TestClient) -> None:
    h = login(client, "admin@example.jp")
    me = uid(client, "admin@example.jp")
    r = client.patch(f"/api/v1/users/{me}", json={"role": "desk"}, headers=h)
    assert r.status_code == 422 and loc(r)[-1] == "role", r.text
    assert client.patch(f"/api/v1/users/{me}", json={"role": "staff"}, headers=h).status_code == 422  # own role: never
    staff = uid(client, "staff@example.jp")
    assert client.patch(f"/api/v1/users/{staff}", json={"role": "desk"}, headers=h).status_code == 422
    r = client.post("/api/v1/users", json={"email": "new@example.jp", "display_name": "新人", "role": "desk",
                                           "password": ADMIN_CHOSEN}, headers=h)
    assert r.status_code == 422 and loc(r)[-1] == "role"
    assert role_of(client, "admin@example.jp") == "admin" and role_of(client, "staff@example.jp") == "staff"
    assert client.get("/api/v1/consultations", headers=h).status_code == 403


def test_an_admin_cannot_set_a_desk_members_password_only_send_them_a_link(client: TestClient) -> None:
    h = login(client, "admin@example.jp")
    desk = uid(client, "desk@example.jp")
    r = client.patch(f"/api/v1/users/{desk}", json={"password": ADMIN_CHOSEN}, headers=h)
    assert r.status_code == 422 and loc(r)[-1] == "password"
    assert not can_login(client, "desk@example.jp", ADMIN_CHOSEN)
    h = login(client, "admin@example.jp")
    r = client.post(f"/api/v1/users/{desk}/password-reset", headers=h)
    assert r.status_code == 202
    token = outbox_token(client, "desk@example.jp")
    assert token not in r.text
    for path in ("/api/v1/desk/grants", f"/api/v1/users/{desk}", "/api/v1/users", "/api/v1/audit"):
        assert token not in client.get(path, headers=h).text
    assert client.get("/desk/access").status_code == 200 and token not in client.get("/desk/access").text
    client.cookies.clear()
    assert client.post("/api/v1/auth/password-reset", json={"token": token, "password": "the desk's own secret 9"}
                       ).status_code == 200
    assert client.post("/api/v1/auth/password-reset", json={"token": token, "password": "a second try 12345"}
                       ).status_code == 422  # one time only
    assert can_login(client, "desk@example.jp", "the desk's own secret 9")


def test_a_desk_grant_needs_a_second_person_and_locks_out_whoever_made_the_account(client: TestClient) -> None:
    h = login(client, "admin@example.jp")
    staff = uid(client, "staff@example.jp")
    r = client.post("/api/v1/desk/grants", json={"user_id": staff}, headers=h)
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    grant = r.json()["id"]
    assert role_of(client, "staff@example.jp") == "staff"
    assert client.post(f"/api/v1/desk/grants/{grant}/confirm", headers=h).status_code == 403  # the asker
    hs = login(client, "staff@example.jp")
    assert client.post(f"/api/v1/desk/grants/{grant}/confirm", headers=hs).status_code == 403  # the person
    staff_client_cookies = dict(client.cookies)
    hd = login(client, "desk@example.jp")
    listed = client.get("/api/v1/desk/grants", headers=hd).json()
    assert [g["status"] for g in listed if g["id"] == grant] == ["pending"]
    assert "山田 花子" in client.get("/desk/access").text  # the desk sees who is waiting
    assert 'id="pending-grants-note"' in client.get("/desk").text  # and is told on its inbox
    r = client.post(f"/api/v1/desk/grants/{grant}/confirm", headers=hd)
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and "窓口 一号" in r.json()["decided_by"]
    assert role_of(client, "staff@example.jp") == "desk"
    # The old password (known to whoever made the account) and the old session are void.
    assert not can_login(client, "staff@example.jp", PASSWORD)
    client.cookies.clear()
    client.cookies.update(staff_client_cookies)
    assert client.get("/api/v1/consultations").status_code == 401
    client.cookies.clear()
    token = outbox_token(client, "staff@example.jp")
    assert client.post("/api/v1/auth/password-reset", json={"token": token, "password": "hanako's own 2026!"}
                       ).status_code == 200
    h2 = login(client, "staff@example.jp", "hanako's own 2026!")
    assert client.get("/api/v1/consultations", headers=h2).status_code == 200
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("desk.%")).order_by(AuditEntry.seq)))
    assert actions == ["desk.grant_requested", "desk.grant_confirmed"]


def test_the_last_desk_member_stays_and_removals_are_listed_for_the_desk(client: TestClient) -> None:
    h = login(client, "admin@example.jp")
    desk = uid(client, "desk@example.jp")
    r = client.patch(f"/api/v1/users/{desk}", json={"role": "staff"}, headers=h)
    assert r.status_code == 422 and loc(r)[-1] == "role"
    assert client.patch(f"/api/v1/users/{desk}", json={"is_active": False}, headers=h).status_code == 422
    staff = uid(client, "staff@example.jp")
    grant = client.post("/api/v1/desk/grants", json={"user_id": staff}, headers=h).json()["id"]
    hd = login(client, "desk@example.jp")
    assert client.post(f"/api/v1/desk/grants/{grant}/confirm", headers=hd).status_code == 200
    h = login(client, "admin@example.jp")
    assert client.patch(f"/api/v1/users/{desk}", json={"role": "staff"}, headers=h).status_code == 200
    token = outbox_token(client, "staff@example.jp")
    client.post("/api/v1/auth/password-reset", json={"token": token, "password": "hanako's own 2026!"})
    hn = login(client, "staff@example.jp", "hanako's own 2026!")
    changes = [(g["change"], g["status"], g["user_email"]) for g in client.get("/api/v1/desk/grants", headers=hn).json()]
    assert changes == [("revoke", "done", "desk@example.jp"), ("grant", "confirmed", "staff@example.jp")]


def test_the_first_desk_member_comes_from_the_server_cli_later_ones_need_confirmation(client: TestClient) -> None:
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        s.execute(User.__table__.update().values(role="staff").where(User.email == "desk@example.jp"))
        s.commit()
        first = desk_access.grant_from_server(s, email="desk@example.jp")
        s.commit()
        assert first.status == "confirmed" and first.via == "cli"
        second = desk_access.grant_from_server(s, email="staff@example.jp")
        s.commit()
        assert second.status == "pending"
    assert role_of(client, "desk@example.jp") == "desk" and role_of(client, "staff@example.jp") == "staff"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_wall_pages_have_all_their_texts(client: TestClient, lang: str) -> None:
    raw_key = re.compile(r"\bdesk_access\.[a-z_.]+")
    for who in ("desk@example.jp", "admin@example.jp"):
        login(client, who)
        r = client.get(f"/desk/access?lang={lang}")
        assert r.status_code == 200 and not raw_key.search(r.text), raw_key.findall(r.text)
    login(client, "staff@example.jp")
    assert client.get("/desk/access").status_code == 403
    client.cookies.clear()
    r = client.get(f"/password-reset?token=abc&lang={lang}")
    assert r.status_code == 200 and not raw_key.search(r.text) and r.headers["x-frame-options"] == "DENY"
