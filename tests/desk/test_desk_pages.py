"""The desk's pages render in both languages and do what they say, through real forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from deskkit import KEY
from fastapi.testclient import TestClient

from kasuhara.config import Settings
from kasuhara.services.auth import hash_password
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.customers import Customer, CustomerIdentifier
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User, user_sites
from kasuhara.web.api.consultations import THROTTLE
from kasuhara.web.app import create_app

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    settings = Settings(environment="development", data_dir=tmp_path, database_url=url,
                        secret_key="pages-test-secret-key-0123456789abcdef", encryption_key=KEY)
    upgrade(url)
    app = create_app(settings)
    THROTTLE.reset()
    with TestClient(app, follow_redirects=False) as c:
        with app.state.session_factory() as s:
            site = Site(code="S1", name="新宿店")
            s.add(site)
            s.flush()
            for role, email in [("staff", "staff@example.jp"), ("supervisor", "boss@example.jp"),
                                ("desk", "desk@example.jp"), ("admin", "admin@example.jp")]:
                u = User(email=email, display_name=email.split("@")[0], role=role,
                         password_hash=hash_password(PASSWORD))
                s.add(u)
                s.flush()
                s.execute(user_sites.insert().values(user_id=u.id, site_id=site.id))
            s.commit()
        c.app_state = app.state  # type: ignore[attr-defined]
        yield c


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def login(client: TestClient, email: str) -> None:
    client.cookies.clear()
    page = client.get("/login")
    r = client.post("/api/v1/auth/session", data={"email": email, "password": PASSWORD,
                                                  "csrf_token": csrf(page.text), "next": "/"})
    assert r.status_code == 303 and "error" not in r.headers["location"], r.headers


def test_anonymous_consultation_pages_in_both_languages(client: TestClient) -> None:
    page = client.get("/consult")
    assert page.status_code == 200 and "不利益" in page.text and page.headers["cache-control"] == "no-store"
    assert "Consulting will never count against you" in client.get("/consult?lang=en").text
    client.get("/consult?lang=ja")
    r = client.post("/consult/anonymous", data={
        "csrf_token": csrf(page.text), "category": "unsure", "subject": "迷っています",
        "content": "毎日の電話がつらい", "passphrase": "合言葉はやまびこ", "passphrase_again": "合言葉はやまびこ"})
    assert r.status_code == 200, r.text
    key = re.search(r"<code>([0-9A-Z-]{24})</code>", r.text)
    assert key
    back = client.get("/consult/return")
    wrong = client.post("/consult/return", data={"csrf_token": csrf(back.text), "report_key": key.group(1),
                                                  "passphrase": "ちがう合言葉です"})
    assert wrong.status_code == 403 and "合言葉が違います" in wrong.text
    ok = client.post("/consult/return", data={"csrf_token": csrf(back.text), "report_key": key.group(1),
                                               "passphrase": "合言葉はやまびこ", "body": "昨日もでした"})
    assert ok.status_code == 200 and "昨日もでした" in ok.text and "毎日の電話がつらい" in ok.text
    # A form without the CSRF token is refused.
    assert client.post("/consult/anonymous", data={"subject": "x", "content": "y", "passphrase": "12345678",
                                                   "passphrase_again": "12345678"}).status_code == 422

    login(client, "desk@example.jp")
    inbox = client.get("/desk")
    assert inbox.status_code == 200 and "迷っています" in inbox.text
    cid = re.search(r'href="/desk/consultations/([0-9a-f-]{36})"', inbox.text)
    assert cid
    detail = client.get(f"/desk/consultations/{cid.group(1)}")
    assert "匿名（システムにも記録されていません）" in detail.text
    r = client.post(f"/desk/consultations/{cid.group(1)}", data={"csrf_token": csrf(detail.text), "action": "reply",
                                                                 "body": "お返事します"})
    assert r.status_code == 303
    login(client, "boss@example.jp")
    assert client.get("/desk").status_code == 403
    assert client.get(f"/desk/consultations/{cid.group(1)}").status_code == 403


def test_care_and_offender_pages(client: TestClient) -> None:
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        staff = s.query(User).filter_by(email="staff@example.jp").one()
        site = s.query(Site).one()
        customer = Customer(display_name="繰返 太郎", note="")
        s.add(customer)
        s.flush()
        s.add(CustomerIdentifier(customer_id=customer.id, kind="phone", value="090-0000-1111",
                                 normalized="09000001111"))
        for n in range(3):
            s.add(Incident(reporter_id=staff.id, site_id=site.id, customer_id=customer.id,
                           occurred_at=datetime.now(UTC), channel="phone", title=f"電話{n}", summary="", facts={}))
        s.commit()
        staff_id, customer_id = staff.id, customer.id

    login(client, "desk@example.jp")
    page = client.get("/care")
    r = client.post("/care", data={"csrf_token": csrf(page.text), "employee_id": str(staff_id),
                                   "what_happened": "怒鳴られて眠れない", "next_follow_up": "2026-01-05"})
    assert r.status_code == 303, r.text
    record = client.get(r.headers["location"])
    assert "怒鳴られて眠れない" in record.text and "期日です" in record.text
    login(client, "boss@example.jp")
    assert client.get(r.headers["location"]).status_code == 403

    overview = client.get("/offenders")
    assert "繰返 太郎" in overview.text
    customer_page = client.get(f"/offenders/customers/{customer_id}")
    assert "警告" in customer_page.text and 'id="decide-form"' in customer_page.text
    r = client.post(f"/offenders/customers/{customer_id}", data={
        "csrf_token": csrf(customer_page.text), "action": "decide", "step": "ban", "reason": "3回の暴言",
        "channels": ["visit", "phone"], "all_sites": "1"})
    assert r.status_code == 303, r.text

    login(client, "staff@example.jp")
    check = client.get("/offenders/check")
    result = client.post("/offenders/check", data={"csrf_token": csrf(check.text), "value": "０９０-0000-1111"})
    assert "出入り禁止・利用停止の対象です" in result.text
    assert client.get(f"/offenders/customers/{customer_id}").status_code == 403


def test_admin_sets_limits_desk_reads_them(client: TestClient) -> None:
    login(client, "admin@example.jp")
    page = client.get("/desk/settings")
    assert page.status_code == 200 and 'name="first_reply_working_days"' in page.text
    data = {name: "5" for name in ("first_reply_working_days", "follow_up_reply_working_days", "care_follow_up_days",
                                   "alert_count", "window_days", "ban_review_days", "retention_consultation_days",
                                   "retention_care_days", "retention_customer_days")}
    bad = client.post("/desk/settings", data={**data, "alert_count": "x", "csrf_token": csrf(page.text)})
    assert bad.status_code == 422
    ok = client.post("/desk/settings", data={**data, "alert_count": "4", "csrf_token": csrf(page.text)})
    assert ok.status_code == 303
    login(client, "desk@example.jp")
    view = client.get("/desk/settings")
    assert view.status_code == 200 and "悪質顧客の基準件数</strong>: 4" in view.text
    assert "初回回答は5営業日以内" in client.get("/desk").text
    login(client, "boss@example.jp")
    assert client.get("/desk/settings").status_code == 403


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_desk_page_has_all_its_texts(client: TestClient, lang: str) -> None:
    """No catalogue key shows up raw on any of the desk's pages, in either language."""
    raw_key = re.compile(r"\b(?:consult|desk|care|offenders)\.[a-z_]+(?:\.[a-z_]+)?\b")

    def visible(html: str) -> str:
        main = html.split("<main", 1)[-1].split("</main>", 1)[0]
        return re.sub(r"<[^>]+>", " ", main)

    paths = {
        "anon": ["/consult", "/consult/return"],
        "staff@example.jp": ["/consult/named", "/care", "/offenders/check", "/offenders/case-studies"],
        "desk@example.jp": ["/desk", "/desk?closed=1", "/care", "/offenders", "/desk/settings"],
        "admin@example.jp": ["/desk/settings"],
    }
    for who, urls in paths.items():
        client.cookies.clear()
        if who != "anon":
            login(client, who)
        for url in urls:
            sep = "&" if "?" in url else "?"
            r = client.get(f"{url}{sep}lang={lang}")
            assert r.status_code == 200, (who, url, r.status_code)
            assert not raw_key.search(visible(r.text)), (url, raw_key.findall(visible(r.text)))


def test_signed_in_employee_consults_anonymously_and_the_page_does_not_know_them(client: TestClient) -> None:
    """Issue 14.3: the form used to carry the session's CSRF token while the POST checked the cookie's."""
    login(client, "staff@example.jp")
    page = client.get("/consult")
    assert page.status_code == 200
    assert "/api/v1/auth/logout" not in page.text and "staff（" not in page.text  # the layout shows nobody
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    r = client.post("/consult/anonymous", data={
        "csrf_token": csrf(page.text), "category": "unsure", "subject": "ログイン中から",
        "content": "名前を出さずに相談したい", "passphrase": "合言葉はやまびこ", "passphrase_again": "合言葉はやまびこ"})
    assert r.status_code == 200, r.text
    assert re.search(r"<code>([0-9A-Z-]{24})</code>", r.text)
    assert r.headers["x-frame-options"] == "DENY"
    back = client.get("/consult/return")
    assert back.headers["x-frame-options"] == "DENY" and "/api/v1/auth/logout" not in back.text
    from sqlalchemy import select

    from kasuhara.store.models.audit import AuditEntry
    from kasuhara.store.models.consultation import Consultation

    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        rows = s.scalars(select(Consultation)).all()
        assert len(rows) == 1 and rows[0].consulter_id is None and rows[0].kind == "anonymous"
        actions = [a for a, in s.execute(select(AuditEntry.action).where(AuditEntry.action.like("consultation%")))]
        assert actions == []


def test_the_session_csrf_token_is_not_accepted_by_the_anonymous_form(client: TestClient) -> None:
    """The anonymous POST checks only the double-submit cookie: a session token proves nothing there."""
    login(client, "staff@example.jp")
    session_token = csrf(client.get("/cases").text)
    r = client.post("/consult/anonymous", data={
        "csrf_token": session_token, "category": "unsure", "subject": "x", "content": "y",
        "passphrase": "合言葉はやまびこ", "passphrase_again": "合言葉はやまびこ"})
    assert r.status_code == 422


def test_a_browser_that_keeps_no_cookies_can_still_consult(client: TestClient) -> None:
    """Cookies blocked: no double-submit cookie comes back, so the browser's same-origin word is enough."""
    form = {"csrf_token": "whatever-the-page-said-0123456789", "category": "unsure", "subject": "s", "content": "c",
            "passphrase": "合言葉はやまびこ", "passphrase_again": "合言葉はやまびこ"}
    client.cookies.clear()
    assert client.post("/consult/anonymous", data=form, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    client.cookies.clear()
    assert client.post("/consult/anonymous", data=form, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 422
    client.cookies.clear()
    assert client.post("/consult/anonymous", data=form).status_code == 422
