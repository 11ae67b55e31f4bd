"""Report a transcript, decide its suggestions, and see the same findings on every page.

The report page's live screening, the saved case, the case page, the stored judgment and the
incident report for the police must show the same findings for the same text (issue 11, point 5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_fixtures import add_user, app_client, csrf_from, login

TRANSCRIPT = "金を返さないなら殺すぞ\n\n土下座しろ\n本日はありがとうございました"


@pytest.fixture
def client(tmp_path: Path, db_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path, db_url) as c:
        add_user(c, email="staff@example.jp", role="staff", site_codes=("S1",))
        add_user(c, email="boss@example.jp", role="supervisor", site_codes=("S1",))
        yield c


def findings(html: str) -> dict[str, str]:
    """behaviour id → source, as marked on a page."""
    return dict(re.findall(r'data-behaviour="([a-z_]+)"[^>]*data-source="(rule|model)"', html)) or {
        b: s for s, b in re.findall(r'data-source="(rule|model)"[^>]*data-behaviour="([a-z_]+)"', html)}


def marks(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<mark class="flag" data-flag="([^"]+)">([^<]+)<sup>', html)


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-behaviour="([a-z_]+)" data-status="([a-z]+)"', html))


def test_live_screening_keeps_the_decisions_already_made(client: TestClient) -> None:
    login(client, "staff@example.jp")
    token = csrf_from(client.get("/report").text)
    html = client.post("/report/screen", data={"transcript": TRANSCRIPT, "csrf_token": token,
                                               "screen_threat": "confirm", "screen_bogus": "confirm"}).text
    assert set(findings(html)) == {"threat", "forced_kneeling"}
    assert re.search(r'value="confirm" checked data-testid="confirm-threat"', html)
    assert not re.search(r'checked data-testid="[a-z]+-forced_kneeling"', html)
    assert "該当する" in html and "該当しない" in html


def test_one_screening_result_from_the_report_page_to_the_police_report(client: TestClient) -> None:
    login(client, "staff@example.jp")
    page = client.get("/report")
    token = csrf_from(page.text)
    live = client.post("/report/screen", data={"transcript": TRANSCRIPT, "csrf_token": token}).text
    shown = findings(live)
    assert shown == {"threat": "rule", "forced_kneeling": "rule"}

    saved = client.post("/report", data={
        "csrf_token": token, "action": "save", "title": "電話での要求", "site_id": "1",
        "occurred_at": "2026-11-20T10:00", "channel": "phone", "demand_kind": "refund", "demand_validity": "valid",
        "transcript": TRANSCRIPT, "screen_forced_kneeling": "reject",
    })
    assert saved.status_code == 303, saved.text[:2000]
    case_url = saved.headers["location"]
    case = client.get(case_url).text
    assert findings(case) == shown
    assert marks(case) == marks(live) == [("1", "殺すぞ"), ("2", "土下座しろ")]  # the same words, the same numbers
    assert statuses(case) == {"threat": "suggested", "forced_kneeling": "rejected"}
    assert 'data-testid="at-stake" data-determination="customer_harassment"' in case
    assert 'data-determination="legitimate_complaint"' in case  # nothing confirmed yet: nothing counts

    # the supervisor confirms the remaining one with one tap; the determination follows
    client.cookies.clear()
    login(client, "boss@example.jp")
    case = client.get(case_url).text
    version = re.search(r'name="version" value="(\d+)"', case)
    assert version
    incident_id = case_url.rsplit("/", 1)[1]
    tapped = client.post(f"{case_url}/suggestions/threat", data={
        "csrf_token": csrf_from(case), "decision": "confirm", "version": version.group(1)})
    assert tapped.status_code == 303
    case = client.get(case_url).text
    assert statuses(case) == {"threat": "confirmed", "forced_kneeling": "rejected"}
    assert 'data-determination="customer_harassment"' in case and 'data-testid="at-stake"' not in case
    assert "screening" in re.findall(r'data-event="([a-z]+)"', case)
    assert "脅迫 → 確認済み" in case and "土下座の要求 → 却下" in case  # the timeline says who decided what

    snapshot = client.get(f"/api/v1/incidents/{incident_id}/judgments").json()[-1]["assessment"]
    stored = {r["utterance_index"]: {b["id"] for b in r["behaviours"]} for r in snapshot["screening"]["results"]}
    assert set().union(*stored.values()) == set(shown)
    assert snapshot["screening"]["screener_version"] in case

    with client.app_state.session_factory() as session:  # type: ignore[attr-defined]
        from kasuhara.services import company_settings

        company_settings.update(session=session, actor=None,
                                changes={"company_name": "株式会社テスト", "prefecture_code": "13"})
        session.commit()
    report = client.post("/api/v1/documents/incident-report", json={"format": "html", "incident_id": int(incident_id)},
                         headers={"X-CSRF-Token": csrf_from(case)})
    assert report.status_code == 200, report.text[:500]
    assert "脅迫" in report.text and "土下座の要求" not in report.text  # only what a person confirmed


def test_a_bad_tap_comes_back_with_the_reason_not_a_500(client: TestClient) -> None:
    login(client, "boss@example.jp")
    token = csrf_from(client.get("/report").text)
    saved = client.post("/report", data={"csrf_token": token, "action": "save", "title": "t", "site_id": "1",
                                         "occurred_at": "2026-11-20T10:00", "channel": "phone",
                                         "transcript": TRANSCRIPT})
    case_url = saved.headers["location"]
    case = client.get(case_url).text
    bad = client.post(f"{case_url}/suggestions/telepathy", data={"csrf_token": csrf_from(case), "decision": "confirm"})
    assert bad.status_code == 422 and "示唆された行為ではありません" in bad.text
    gone = client.post("/cases/99999/suggestions/threat", data={"csrf_token": csrf_from(case), "decision": "confirm"})
    assert gone.status_code in (403, 404)


def test_the_guided_judgment_shows_what_the_words_suggest_without_counting_them(client: TestClient) -> None:
    from kasuhara.web.pages.guide import encode_state

    answers = {"danger": ["none"], "channel": "email", "words": ["none"], "conduct": ["none"], "contacts": None,
               "demand_kind": "refund", "demand_related": "yes", "demand_validity": "valid",
               "utterances": "金を返さないなら殺すぞ"}
    page = client.get("/guide?s=" + encode_state(answers)).text
    assert 'data-testid="determination" data-determination="legitimate_complaint"' in page
    assert 'data-testid="at-stake" data-determination="customer_harassment"' in page
    assert 'data-behaviour="threat" data-status="suggested"' in page


def test_live_screening_is_for_signed_in_reporters_only(client: TestClient) -> None:
    anonymous = client.post("/report/screen", data={"transcript": TRANSCRIPT})
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
