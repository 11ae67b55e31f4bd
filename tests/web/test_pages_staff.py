"""The staff pages through the real app (TestClient, fresh migrated SQLite): guide, report, cases,
dashboard, settings, language, static files. Browser journeys live in tests/browser/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pages_fixtures import add_user, app_client, csrf_from, login

from kasuhara.web.pages.guide import decode_state, encode_state

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def client(tmp_path: Path, db_url: str) -> Iterator[TestClient]:
    """The app on SQLite and on PostgreSQL (the shared `db_url` fixture)."""
    with app_client(tmp_path, db_url) as c:
        add_user(c, email="staff@example.jp", role="staff", site_codes=("S1",))
        add_user(c, email="other@example.jp", role="staff", site_codes=("S1",))
        add_user(c, email="boss@example.jp", role="supervisor", site_codes=("S1",))
        add_user(c, email="far@example.jp", role="supervisor", site_codes=("S9",))
        add_user(c, email="admin@example.jp", role="admin")
        yield c


def errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" id="err-([^"]+)"[^>]*>([^<]+)<', html))


def report(c: TestClient, **fields: Any) -> Any:
    page = c.get("/report")
    data = {"csrf_token": csrf_from(page.text), "action": "save", "title": "怒鳴られた", "site_id": "1",
            "occurred_at": "2026-11-20T10:00", "channel": "phone"}
    data.update({k: v for k, v in fields.items() if k != "files"})
    return c.post("/report", data=data, files=fields.get("files"))


def test_guide_needs_no_login_and_walks_to_a_result(client: TestClient) -> None:
    first = client.get("/guide")
    assert first.status_code == 200 and 'data-question="danger"' in first.text
    moved = client.post("/guide", data={"s": "", "q": "danger", "a": ["violence", "threat"]})
    assert moved.status_code == 303
    state = moved.headers["location"].split("s=", 1)[1]
    assert decode_state(state) == {"danger": ["violence", "threat"]}
    page = client.get(moved.headers["location"])
    assert 'data-testid="safety"' in page.text and 'href="tel:110"' in page.text
    assert page.text.index('data-testid="safety"') < page.text.index("data-question=")
    answers = {"danger": ["violence"], "injury": "yes", "channel": "in_person", "words": ["none"], "conduct": ["none"],
               "leave": "not_asked", "duration": 5, "contacts": None, "demand_kind": "none", "official": "no",
               "utterances": None}
    result = client.get("/guide?s=" + encode_state(answers))
    assert 'data-determination="customer_harassment"' in result.text
    assert 'data-article="204"' in result.text  # injury: bodily injury, not mere assault
    assert re.search(r'data-node="end_manner" data-on="true" data-end="true"', result.text)


def test_guide_errors_are_next_to_the_question_in_the_users_language(client: TestClient) -> None:
    state = encode_state({"danger": ["none"], "channel": "phone", "words": ["none"], "conduct": ["none"],
                          "leave": "not_asked"})
    bad = client.post("/guide?lang=en", data={"s": state, "q": "duration", "a": "-3"})
    assert bad.status_code == 422
    assert errors(bad.text) == {"a": "must be at least 0"}
    client.cookies.set("lang", "ja")
    bad_ja = client.post("/guide", data={"s": state, "q": "duration", "a": "abc"})
    assert errors(bad_ja.text) == {"a": "数字（整数）で入力してください"}


def test_tampered_guide_state_starts_over_instead_of_failing(client: TestClient) -> None:
    for junk in ("!!!", "e30", encode_state({"danger": "explode", "channel": "fax"}), "A" * 20000):
        page = client.get("/guide?s=" + junk)
        assert page.status_code == 200 and 'data-question="danger"' in page.text


def test_pages_behind_login_redirect_anonymous_visitors(client: TestClient) -> None:
    for path in ("/report", "/cases", "/cases/1", "/dashboard", "/settings"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_report_saves_incident_file_and_transcript_in_one_go(client: TestClient) -> None:
    login(client, "staff@example.jp")
    saved = report(client, behaviours=["verbal_abuse"], transcript="ふざけるな\n土下座しろ",
                   files=[("files", ("photo.png", PNG, "image/png"))])
    assert saved.status_code == 303
    case = client.get(saved.headers["location"])
    assert "photo.png" in case.text and "transcript.txt" in case.text
    # staff cannot store a judgment; they see a preliminary one, with what was said screened
    assert 'data-testid="preview"' in case.text
    assert 'data-determination="customer_harassment"' in case.text
    assert 'data-behaviour="forced_kneeling"' in case.text
    assert 'data-testid="workflow"' not in case.text and 'data-testid="record-decision"' not in case.text


def test_a_refused_file_saves_nothing_and_says_why_next_to_the_field(client: TestClient, tmp_path: Path) -> None:
    login(client, "staff@example.jp")
    refused = report(client, files=[("files", ("good.png", PNG, "image/png")),
                                    ("files", ("run.exe", b"MZ\x90\x00" * 10, "application/octet-stream"))])
    assert refused.status_code == 422
    assert "files" in errors(refused.text)
    assert "怒鳴られた" in refused.text  # what was typed is kept
    assert "data-case=" not in client.get("/cases").text
    stored = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()] if (tmp_path / "evidence").exists() else []
    assert stored == []


def test_report_field_errors_name_the_field(client: TestClient) -> None:
    login(client, "staff@example.jp")
    bad = report(client, title="", site_id="x", occurred_at="yesterday", duration_minutes="-1", contacts_count="0")
    assert bad.status_code == 422
    assert set(errors(bad.text)) == {"title", "site_id", "occurred_at", "duration_minutes", "contacts_count"}


def test_screen_button_highlights_flagged_words(client: TestClient) -> None:
    login(client, "staff@example.jp")
    page = report(client, action="screen", transcript="ふざけるな、土下座しろ")
    assert page.status_code == 200
    marked = re.findall(r'<mark class="flag"[^>]*>([^<]+)<sup>', page.text)
    assert "土下座しろ" in marked
    assert 'data-behaviour="forced_kneeling"' in page.text
    fragment = client.post("/report/screen", data={"transcript": "今日はありがとう", "csrf_token": csrf_from(page.text)})
    assert "<mark" not in fragment.text and 'data-testid="screening"' in fragment.text


def test_staff_see_only_their_own_cases_and_no_workflow(client: TestClient) -> None:
    login(client, "staff@example.jp")
    mine = report(client, title="私の報告").headers["location"]
    client.cookies.clear()
    login(client, "other@example.jp")
    assert "私の報告" not in client.get("/cases").text
    assert client.get(mine).status_code == 403
    client.cookies.clear()
    login(client, "far@example.jp")  # a supervisor of another site
    assert client.get(mine).status_code == 403
    client.cookies.clear()
    login(client, "boss@example.jp")
    page = client.get(mine)
    assert page.status_code == 200
    moves = re.findall(r'data-move="(\w+)"', page.text)
    assert moves == ["assessing", "closed"]


def test_supervisor_decides_moves_and_conflicting_versions_are_refused(client: TestClient) -> None:
    login(client, "boss@example.jp")
    case = report(client, behaviours=["verbal_abuse"], duration_minutes="45").headers["location"]
    page = client.get(case)
    assert 'data-testid="determination"' in page.text  # a supervisor's report is judged at once
    token = csrf_from(page.text)
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    missing = client.post(case + "/decisions", data={"csrf_token": token, "kind": "", "reason": ""})
    assert missing.status_code == 422 and "kind" in errors(missing.text)
    no_reason_given = client.post(case + "/decisions", data={"csrf_token": token, "kind": "warning", "reason": " "})
    assert no_reason_given.status_code == 422 and "decision-reason" in errors(no_reason_given.text)
    assert client.post(case + "/decisions", data={"csrf_token": token, "kind": "warning",
                                                  "reason": "警告する"}).status_code == 303
    assert client.post(case + "/transition", data={"csrf_token": token, "to": "assessing",
                                                   "version": version.group(1)}).status_code == 303
    stale = client.post(case + "/transition", data={"csrf_token": token, "to": "responding",
                                                    "version": version.group(1)})
    assert stale.status_code == 409
    no_reason = client.post(case + "/transition", data={"csrf_token": token, "to": "closed",
                                                        "version": str(int(version.group(1)) + 1)})
    assert no_reason.status_code == 422 and "reason-closed" in errors(no_reason.text)
    assert client.post(case + "/transition", data={"to": "closed"}).status_code == 403  # no CSRF token


def test_cases_filters_and_saved_views(client: TestClient) -> None:
    login(client, "boss@example.jp")
    report(client, title="暴言あり", behaviours=["verbal_abuse"])
    report(client, title="正当な返品", demand_kind="exchange", demand_validity="valid", related="yes")
    harassment = client.get("/cases?determination=customer_harassment")
    assert "暴言あり" in harassment.text and "正当な返品" not in harassment.text
    legit = client.get("/cases?determination=legitimate_complaint")
    assert "正当な返品" in legit.text and "暴言あり" not in legit.text
    link = re.search(r'href="(/api/v1/incidents/export.csv[^"]*)"', harassment.text)
    assert link is not None
    csv = client.get(link.group(1).replace("&amp;", "&"))
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "暴言あり" in csv.content.decode("utf-8-sig") and "正当な返品" not in csv.content.decode("utf-8-sig")
    ignored = client.get("/cases?status=nonsense")
    assert ignored.status_code == 200 and "暴言あり" in ignored.text
    token = csrf_from(harassment.text)
    saved = client.post("/cases/views", data={"csrf_token": token, "name": "カスハラ",
                                              "query": "determination=customer_harassment&evil=1"})
    assert saved.headers["location"] == "/cases?determination=customer_harassment"
    listing = client.get("/cases")
    assert 'data-view="カスハラ"' in listing.text
    view_id = re.search(r'action="/cases/views/(\d+)/delete"', listing.text)
    assert view_id is not None
    client.cookies.clear()
    login(client, "admin@example.jp")
    other = client.post(f"/cases/views/{view_id.group(1)}/delete", data={"csrf_token": csrf_from(client.get("/cases").text)})
    assert other.status_code == 404  # someone else's view


def test_settings_are_for_admins_and_thresholds_reach_the_guide(client: TestClient) -> None:
    login(client, "boss@example.jp")
    assert client.get("/settings").status_code == 403
    client.cookies.clear()
    login(client, "admin@example.jp")
    page = client.get("/settings")
    token = csrf_from(page.text)
    bad = client.post("/settings/thresholds", data={"csrf_token": token, "time_limit_minutes": "0",
                                                    "repeat_contacts": "10", "repeat_days": "7"})
    assert bad.status_code == 422 and "thr-time_limit_minutes" in errors(bad.text)
    answers = {"danger": ["none"], "channel": "phone", "words": ["none"], "conduct": ["none"], "leave": "not_asked",
               "duration": 45, "contacts": None, "demand_kind": "refund", "demand_related": "yes",
               "demand_validity": "invalid", "utterances": None}
    before = client.get("/guide?s=" + encode_state(answers))
    assert 'data-determination="customer_harassment"' in before.text
    ok = client.post("/settings/thresholds", data={"csrf_token": token, "time_limit_minutes": "60",
                                                   "repeat_contacts": "10", "repeat_days": "7"})
    assert ok.status_code == 303
    after = client.get("/guide?s=" + encode_state(answers))
    assert 'data-determination="unjustified_demand"' in after.text


def test_dashboard_counts_only_visible_cases(client: TestClient) -> None:
    login(client, "boss@example.jp")
    report(client, behaviours=["verbal_abuse"])
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert re.search(r'data-kpi="total">1<', page.text)
    assert '<script src="/static/vendor/chart.umd.js"' in page.text
    client.cookies.clear()
    login(client, "far@example.jp")
    assert re.search(r'data-kpi="total">0<', client.get("/dashboard").text)
    client.cookies.clear()
    login(client, "staff@example.jp")
    assert client.get("/dashboard").status_code == 403


def test_language_switch_is_remembered_and_html_lang_follows(client: TestClient) -> None:
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text and english.cookies.get("lang") == "en"
    assert '<html lang="en">' in client.get("/guide").text
    assert '<html lang="ja">' in client.get("/guide?lang=ja").text


def test_static_files_are_served_and_traversal_is_refused(client: TestClient) -> None:
    css = client.get("/static/css/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/../i18n.py").status_code == 404
    assert client.get("/static/%2e%2e/i18n.py").status_code == 404
    assert client.get("/static/nope.js").status_code == 404


def test_dashboard_months_follow_japan_time(client: TestClient) -> None:
    import json

    login(client, "boss@example.jp")
    report(client, title="十月末", occurred_at="2026-10-31T23:30", behaviours=["verbal_abuse"])
    report(client, title="十一月初", occurred_at="2026-11-01T00:30")
    page = client.get("/dashboard?from=2026-10-01&to=2026-11-30")
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page.text, re.S)
    assert found is not None
    charts = json.loads(found.group(1))
    assert charts["month"]["labels"] == ["2026-10", "2026-11"]
    assert charts["month"]["series"][0]["data"] == [1, 1]
    assert charts["month"]["series"][1]["data"] == [1, 0]  # only October's was harassment
    assert sum(charts["age"]["series"][0]["data"]) == 2
    assert charts["channel"]["series"][0]["data"] == [2]


def test_guide_checks_the_ordinances_of_the_companys_place(client: TestClient) -> None:
    from kasuhara.services import company_settings

    answers = {"danger": ["none"], "channel": "phone", "words": ["verbal_abuse"], "conduct": ["none"],
               "leave": "not_asked", "duration": 10, "contacts": None, "demand_kind": "none", "public": "no",
               "utterances": None}
    before = client.get("/guide?s=" + encode_state(answers))
    assert 'data-rule="ordinance:13"' not in before.text and 'data-testid="place"' not in before.text
    login(client, "admin@example.jp")
    token = csrf_from(client.get("/settings").text)
    bad = client.post("/settings/company", data={"csrf_token": token, "company_name": "さくら", "prefecture_code": "99"})
    assert bad.status_code == 422 and "co-prefecture_code" in errors(bad.text)
    ok = client.post("/settings/company", data={"csrf_token": token, "company_name": "さくら", "prefecture_code": "13"})
    assert ok.status_code == 303
    with client.app_state.session_factory() as session:  # type: ignore[attr-defined]
        assert company_settings.get(session=session).prefecture_code == "13"
    client.cookies.clear()  # an anonymous clerk: the company's place applies
    after = client.get("/guide?s=" + encode_state(answers))
    assert 'data-rule="ordinance:13"' in after.text
    assert 'data-testid="place"' in after.text and "東京都" in after.text
