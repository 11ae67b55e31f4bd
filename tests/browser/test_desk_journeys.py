"""Browser journeys of the consultation desk, employee care and repeat offenders (issue 7)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from helpers import login, shot
from seed import PASSWORD

pytestmark = pytest.mark.browser

DESK_EMAIL = "desk@browser.test"
REPEAT_PHONE = "090-7777-0003"


@pytest.fixture(scope="module")
def desk_world(live_server: dict[str, Any]) -> dict[str, Any]:
    """A desk account, and a customer with two incidents at two sites (one short of the threshold)."""
    from sqlalchemy import select

    from kasuhara.services import customers as customer_service
    from kasuhara.services import incidents as incident_service
    from kasuhara.services import users as user_service
    from kasuhara.services.incidents import JST
    from kasuhara.store.models.users import User

    factory = live_server["app"].state.session_factory
    sites = sorted(live_server["seeded"]["sites"].values())
    with factory() as session:
        if session.scalars(select(User).where(User.email == DESK_EMAIL)).first() is None:
            user_service.create(session=session, actor=None, email=DESK_EMAIL, display_name="窓口 担当",
                                role="desk", password=PASSWORD, site_ids=[])
        boss = session.scalars(select(User).where(User.email == "boss@browser.test")).one()
        customer = customer_service.create(session=session, actor=boss, display_name="リピート 三郎",
                                           identifiers=[("phone", REPEAT_PHONE)])
        now = datetime.now(JST)
        for site, days in ((sites[0], 30), (sites[-1], 10)):
            incident_service.create(session=session, actor=boss, site_id=site, occurred_at=now - timedelta(days=days),
                                    channel="phone", title="同じ客からの長電話", summary="", facts={},
                                    customer_id=customer.id)
        session.commit()
    return {"incident": live_server["seeded"]["incidents"][0]}


def login_desk(page: Any, next_path: str = "/desk") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("#email", DESK_EMAIL)
    page.fill("#password", PASSWORD)
    page.click("form[action='/api/v1/auth/session'] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def test_anonymous_consultation_desk_reply_link_and_coming_back(page: Any, desk_world: dict[str, Any]) -> None:
    page.goto("/consult")
    assert "不利益" in page.locator(".promise").inner_text()
    shot(page, "desk-consult-start")
    page.select_option("#f-category", "unsure")
    page.fill("#f-subject", "ブラウザからの匿名相談")
    page.fill("#f-content", "毎回レジで容姿のことを言われます。")
    page.fill("#f-passphrase", "ブラウザの合言葉です")
    page.fill("#f-passphrase_again", "ブラウザの合言葉です")
    page.click("#anonymous-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    key = page.locator("#report-key code").inner_text().strip()
    assert len(key) == 24
    shot(page, "desk-consult-receipt")

    # The desk answers and links the consultation to an incident.
    desk = page.context.browser.new_context(base_url=page.url.split("/consult")[0], locale="ja-JP")
    desk_page = desk.new_page()
    login_desk(desk_page)
    assert "ブラウザからの匿名相談" in desk_page.content(), desk_page.locator("main").inner_text()
    desk_page.click("text=ブラウザからの匿名相談")
    desk_page.wait_for_load_state("domcontentloaded")
    assert "匿名" in desk_page.locator("#consulter").inner_text()
    desk_page.fill("#f-body", "ご相談ありがとうございます。言われた日時を教えてください。")
    desk_page.click("#reply-form button[value=question]")
    desk_page.wait_for_load_state("domcontentloaded")
    desk_page.fill("#f-incident_id", str(desk_world["incident"]))
    desk_page.click("#link-form button[value=link]")
    desk_page.wait_for_load_state("domcontentloaded")
    assert f"#{desk_world['incident']}" in desk_page.locator("#linked-incident").inner_text()
    shot(desk_page, "desk-consultation-replied-linked")
    desk.close()

    # The consulter comes back with the key, reads the question and answers.
    page.goto("/consult/return")
    page.fill("#f-report_key", key.lower().replace("-", " "))
    page.fill("#f-passphrase", "ブラウザの合言葉です")
    page.click("#return-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "言われた日時を教えてください" in page.locator("#messages").inner_text()
    page.fill("#f-body", "昨日の夕方です。")
    page.click("#add-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "昨日の夕方です。" in page.locator("#messages").inner_text()
    shot(page, "desk-consult-returned")


def test_care_follow_up_becomes_due(page: Any, desk_world: dict[str, Any]) -> None:
    login_desk(page, "/care")
    page.goto("/care")
    page.select_option("#f-employee_id", label="佐藤 (clerk@browser.test)")
    page.fill("#f-what_happened", "長時間の電話のあと、眠れない日が続いている。")
    page.fill("#f-next_follow_up", datetime.now().date().isoformat())
    page.click("#care-open-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "期日です" in page.locator("#next-follow-up").inner_text()
    page.select_option("#f-kind", "occupational_physician")
    page.click("#support-form button[value=support]")
    page.wait_for_load_state("domcontentloaded")
    assert "産業医面談" in page.locator("#supports").inner_text()
    page.goto("/desk")
    assert page.locator("#care-due-note").is_visible()
    shot(page, "desk-care-due")
    # The supervisor cannot open the record.
    record_url = "/care"
    page.context.clear_cookies()
    login(page, "supervisor", record_url)
    assert "眠れない" not in page.content()


def test_third_incident_alerts_supervisor_who_bans_and_staff_recognise(page: Any, desk_world: dict[str, Any]) -> None:
    from kasuhara.services.incidents import JST

    login(page, "supervisor", "/report")
    page.goto("/report")
    page.fill("#f-title", "同じ客から三度目の電話")
    page.fill("#f-occurred_at", (datetime.now(JST) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#f-customer_name", "リピート(三回目)")
    page.fill("#f-customer_phone", "０９０－７７７７－０００３")
    page.click("[data-testid=save-report]")
    page.wait_for_load_state("domcontentloaded")

    page.goto("/offenders")
    alerts = page.locator("#alerts").inner_text()
    assert "リピート" in alerts and "3件" in alerts
    shot(page, "desk-offender-alert")
    page.click("#alerts a >> nth=0")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#threshold-reached").is_visible()
    assert page.locator("#incidents tbody tr").count() == 3
    page.select_option("#f-step", "ban")
    page.fill("#f-reason", "三度の長時間電話と警告無視のため")
    page.check("input[name=channels][value=phone]")
    page.check("input[name=channels][value=visit]")
    page.click("#decide-form button[value=decide]")
    page.wait_for_load_state("domcontentloaded")
    decisions = page.locator("#decisions").inner_text()
    assert "出入り禁止" in decisions and "鈴木" in decisions and "見直し日" in decisions
    shot(page, "desk-offender-ban-decided")

    page.context.clear_cookies()
    login(page, "staff", "/offenders/check")
    page.goto("/offenders/check")
    page.fill("#f-value", "09077770003")
    page.click("#check-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".banner-banned").is_visible()
    shot(page, "desk-banned-recognised")
