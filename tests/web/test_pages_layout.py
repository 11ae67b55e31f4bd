"""The layout every page shares: navigation by role, one-shot flash messages, CSRF in forms, skip link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_fixtures import add_user, app_client, csrf_from, login


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path) as c:
        add_user(c, email="staff@example.jp", role="staff", site_codes=("S1",))
        add_user(c, email="admin@example.jp", role="admin")
        yield c


def nav(html: str) -> list[str]:
    block = html[html.index('class="main-nav"'):html.index("</nav>", html.index('class="main-nav"'))]
    return re.findall(r'<a href="(/[^"?]*)"', block)


def test_navigation_shows_only_what_the_role_may_use(client: TestClient) -> None:
    anonymous = nav(client.get("/").text)
    assert "/guide" in anonymous and "/cases" not in anonymous and "/settings" not in anonymous
    login(client, "staff@example.jp")
    staff = nav(client.get("/").text)
    assert {"/guide", "/report", "/cases"} <= set(staff)
    assert "/dashboard" not in staff and "/settings" not in staff
    client.cookies.clear()
    login(client, "admin@example.jp")
    admin = nav(client.get("/").text)
    assert {"/guide", "/report", "/cases", "/dashboard", "/settings"} <= set(admin)


def test_flash_message_shows_once(client: TestClient) -> None:
    login(client, "admin@example.jp")
    token = csrf_from(client.get("/settings").text)
    saved = client.post("/settings/thresholds", data={"csrf_token": token, "time_limit_minutes": "30",
                                                      "repeat_contacts": "10", "repeat_days": "7"})
    assert saved.status_code == 303
    first = client.get("/settings")
    assert "判定の基準を保存しました。" in first.text
    assert "判定の基準を保存しました。" not in client.get("/settings").text


def test_flash_cookie_cannot_inject_text(client: TestClient) -> None:
    client.cookies.set("flash", "error:<script>alert(1)</script>")
    page = client.get("/")
    assert "<script>alert" not in page.text and 'class="flash flash--error" role="alert"' not in page.text


def test_every_post_form_carries_the_csrf_token(client: TestClient) -> None:
    login(client, "admin@example.jp")
    for path in ("/", "/guide", "/report", "/cases", "/settings"):
        html = client.get(path).text
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S):
            assert 'name="csrf_token"' in form, (path, form[:120])


def test_skip_link_and_main_landmark(client: TestClient) -> None:
    html = client.get("/guide").text
    assert html.index('class="skip-link" href="#main"') < html.index('<main id="main"')
    assert '<html lang="ja">' in html


def test_signed_in_users_answer_the_guide_with_their_session_token(client: TestClient) -> None:
    login(client, "staff@example.jp")
    page = client.get("/guide")
    answered = client.post("/guide", data={"csrf_token": csrf_from(page.text), "s": "", "q": "danger", "a": "none"})
    assert answered.status_code == 303
    forged = client.post("/guide", data={"csrf_token": "not-the-token", "s": "", "q": "danger", "a": "none"})
    assert forged.status_code == 403


def test_a_stale_form_token_keeps_the_report_and_says_why(client: TestClient) -> None:
    login(client, "staff@example.jp")
    client.get("/report")
    stale = client.post("/report", data={"csrf_token": "stale", "action": "save", "title": "長い報告の途中",
                                         "site_id": "1", "occurred_at": "2026-11-20T10:00", "channel": "phone"})
    assert stale.status_code == 403
    assert 'data-testid="form-notice"' in stale.text and "長い報告の途中" in stale.text
    assert "data-case=" not in client.get("/cases").text
    other = client.post("/cases/views", data={"csrf_token": "stale", "name": "x", "query": ""})
    assert other.status_code == 403 and "フォームの有効期限" in other.text and "<html" in other.text
