"""Browser journeys of issue 14: a signed-in employee consults anonymously; the desk role needs a second person."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import login, shot
from seed import PASSWORD

pytestmark = pytest.mark.browser

WALL_DESK = "wall.desk@browser.test"
NEWCOMER = "wall.newcomer@browser.test"


@pytest.fixture(scope="module")
def wall_world(live_server: dict[str, Any]) -> dict[str, Any]:
    """A desk member (made on the server, like the CLI does) and an employee an admin wants on the desk."""
    from sqlalchemy import select

    from kasuhara.services import users as user_service
    from kasuhara.store.models.users import User

    factory = live_server["app"].state.session_factory
    with factory() as session:
        for email, name, role in ((WALL_DESK, "窓口 壁子", "desk"), (NEWCOMER, "新任 候補", "staff")):
            if session.scalars(select(User).where(User.email == email)).first() is None:
                user_service.create(session=session, actor=None, email=email, display_name=name, role=role,
                                    password=PASSWORD, site_ids=[])
        session.commit()
    return {"factory": factory, "url": live_server["url"]}


def _login_as(page: Any, email: str, password: str = PASSWORD, next_path: str = "/") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/api/v1/auth/session'] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def test_a_signed_in_employee_consults_anonymously(page: Any, wall_world: dict[str, Any]) -> None:
    login(page, "staff", "/cases")
    assert page.locator("form[action='/api/v1/auth/logout']").count() == 1  # signed in elsewhere on the site
    response = page.goto("/consult")
    assert response is not None and response.headers["x-frame-options"] == "DENY"
    assert page.locator("form[action='/api/v1/auth/logout']").count() == 0  # the consult page knows nobody
    page.fill("#f-subject", "ログインしたままの匿名相談")
    page.fill("#f-content", "名前を出さずに相談します。")
    page.fill("#f-passphrase", "ブラウザの合言葉です")
    page.fill("#f-passphrase_again", "ブラウザの合言葉です")
    page.click("#anonymous-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "期限" not in page.locator("main").inner_text(), page.locator("main").inner_text()  # no 「form expired」
    key = page.locator("#report-key code").inner_text().strip()
    assert len(key) == 24
    shot(page, "trust-signed-in-anonymous-receipt")

    from sqlalchemy import select

    from kasuhara.store.models.consultation import Consultation

    with wall_world["factory"]() as session:
        rows = session.scalars(select(Consultation).where(Consultation.kind == "anonymous")).all()
        assert rows and all(r.consulter_id is None for r in rows)


def test_another_site_cannot_frame_the_consult_page(page: Any, wall_world: dict[str, Any]) -> None:
    page.set_content(f'<iframe id="f" src="{wall_world["url"]}/consult" width="800" height="600"></iframe>')
    page.wait_for_timeout(1500)
    framed = [f for f in page.frames if f != page.main_frame]
    assert framed
    for frame in framed:
        try:
            body = frame.content()
        except Exception:  # a blocked frame may have no document at all
            body = ""
        assert "不利益" not in body


def test_the_desk_role_needs_a_second_person(page: Any, browser: Any, wall_world: dict[str, Any]) -> None:
    login(page, "admin", "/desk/access")
    assert page.locator("#request-form").count() == 1
    page.select_option("#f-user_id", label="新任 候補 <wall.newcomer@browser.test>")
    page.click("#request-form button[value=request]")
    page.wait_for_load_state("domcontentloaded")
    pending = page.locator("#pending-grants")
    assert "新任 候補" in pending.inner_text()
    assert pending.locator("button[value=confirm]").count() == 0  # the asker cannot confirm
    shot(page, "trust-desk-grant-pending-admin")
    # The admin's own role cannot be changed to desk either (the API says why).
    r = page.request.get("/api/v1/desk/grants")
    assert r.status == 200

    desk_ctx = browser.new_context(base_url=wall_world["url"], locale="ja-JP")
    desk_page = desk_ctx.new_page()
    _login_as(desk_page, WALL_DESK, next_path="/desk/access")
    row = desk_page.locator("#pending-grants tr", has_text="新任 候補")
    assert row.count() == 1
    shot(desk_page, "trust-desk-grant-pending-desk")
    row.locator("button[value=confirm]").click()
    desk_page.wait_for_load_state("domcontentloaded")
    assert "新任 候補" in desk_page.locator("#desk-members").inner_text()
    assert "付与済み" in desk_page.locator("#grant-history").inner_text()
    shot(desk_page, "trust-desk-grant-confirmed")
    desk_ctx.close()

    # The password the account had (known to whoever made it) no longer opens it.
    other = browser.new_context(base_url=wall_world["url"], locale="ja-JP")
    try_page = other.new_page()
    _login_as(try_page, NEWCOMER, next_path="/desk")
    assert "error" in try_page.url
    other.close()
