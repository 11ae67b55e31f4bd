"""Sessions and API tokens: ended on a password or role change, expiring, scoped, never minting tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from casefile_world import PASSWORD, World, world  # noqa: F401
from sqlalchemy import update

from kasuhara.store.models.users import ApiToken
from kasuhara.store.types import utcnow


def _login(world: World, email: str) -> str:  # noqa: F811
    r = world.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


@pytest.mark.parametrize("change", [{"password": "a-brand-new-passphrase"}, {"role": "supervisor"}])
def test_an_admin_change_of_password_or_role_ends_every_session_and_token(world: World, change: dict[str, str]) -> None:  # noqa: F811
    _login(world, "staff@example.jp")
    assert world.client.get("/api/v1/auth/me").status_code == 200
    assert world.call("staff", "GET", "/api/v1/incidents").status_code == 200
    r = world.call("admin", "PATCH", f"/api/v1/users/{world.user_ids['staff']}", json=change)
    assert r.status_code == 200, r.text
    assert world.client.get("/api/v1/auth/me").status_code == 401  # the old cookie session
    assert world.call("staff", "GET", "/api/v1/incidents").status_code == 401  # the old token
    entries = world.call("auditor", "GET", "/api/v1/audit", params={"action": "auth.credentials_ended"}).json()
    assert entries["total"] >= 1


def test_a_token_cannot_mint_tokens_and_a_fresh_browser_login_can(world: World) -> None:  # noqa: F811
    body = {"name": "integration", "scopes": ["cases:read"]}
    r = world.call("admin", "POST", "/api/v1/auth/tokens", json=body)
    assert r.status_code == 403 and "token" in r.json()["msg_en"]
    csrf = _login(world, "admin@example.jp")
    r = world.client.post("/api/v1/auth/tokens", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    assert r.json()["scopes"] == ["cases:read"] and r.json()["expires_at"]
    minted = r.json()["token"]
    world.client.cookies.clear()
    r = world.client.post("/api/v1/auth/tokens", json=body, headers={"Authorization": f"Bearer {minted}"})
    assert r.status_code == 403


def test_a_browser_session_with_an_old_login_cannot_mint(world: World) -> None:  # noqa: F811
    csrf = _login(world, "admin@example.jp")
    from kasuhara.store.models.users import WebSession

    with world.app.state.session_factory() as session:
        session.execute(update(WebSession).values(created_at=utcnow() - timedelta(hours=1)))
        session.commit()
    r = world.client.post("/api/v1/auth/tokens", json={"name": "late", "scopes": ["cases:read"]},
                          headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403


def _mint(world: World, **body: object) -> str:  # noqa: F811
    csrf = _login(world, "admin@example.jp")
    r = world.client.post("/api/v1/auth/tokens", json={"name": "t", **body}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    world.client.cookies.clear()
    return str(r.json()["token"])


def test_scopes_limit_what_a_token_may_call(world: World) -> None:  # noqa: F811
    token = {"Authorization": f"Bearer {_mint(world, scopes=['cases:read'])}"}
    assert world.client.get("/api/v1/incidents", headers=token).status_code == 200
    r = world.client.post("/api/v1/incidents", headers=token, json={
        "site_id": world.site_a, "occurred_at": "2026-11-20T10:00:00+09:00", "channel": "phone", "title": "x"})
    assert r.status_code == 403 and "cases:write" in r.json()["msg_en"]
    assert world.client.get("/api/v1/users", headers=token).status_code == 403  # admin:read not granted
    assert world.client.get("/api/v1/auth/me", headers=token).status_code == 200  # its own account


def test_unknown_scopes_are_refused_naming_the_field(world: World) -> None:  # noqa: F811
    csrf = _login(world, "admin@example.jp")
    r = world.client.post("/api/v1/auth/tokens", json={"name": "t", "scopes": ["everything"]},
                          headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["scopes"]
    assert "calls:write" in r.json()["detail"][0]["allowed"]


def test_a_token_limited_to_a_site_sees_only_that_site(world: World) -> None:  # noqa: F811
    token = {"Authorization": f"Bearer {_mint(world, scopes=['cases:read', 'cases:write'], site_id=world.site_a)}"}
    assert world.client.get(f"/api/v1/incidents/{world.incident_a}", headers=token).status_code == 200
    assert world.client.get(f"/api/v1/incidents/{world.incident_b}", headers=token).status_code in {403, 404}
    ids = {i["id"] for i in world.client.get("/api/v1/incidents", headers=token).json()["items"]}
    assert ids == {world.incident_a}
    r = world.client.post("/api/v1/incidents", headers=token, json={
        "site_id": world.site_b, "occurred_at": "2026-11-20T10:00:00+09:00", "channel": "phone", "title": "x"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["site_id"]


def test_an_expired_token_is_refused(world: World) -> None:  # noqa: F811
    assert world.call("staff", "GET", "/api/v1/incidents").status_code == 200
    with world.app.state.session_factory() as session:
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert world.call("staff", "GET", "/api/v1/incidents").status_code == 401
