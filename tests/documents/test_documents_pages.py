"""The documents pages without a browser: generate from the page (PDF download, HTML on screen),
errors next to the form, the self-check form, the quiz graded and stored, HR's list, English."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from docs_helpers import answers_as_the_judgment, quiz_from_page
from fastapi.testclient import TestClient
from pages_fixtures import add_user, app_client, csrf_from, login

from kasuhara.services import company_settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path) as c:
        for role in ("admin", "staff", "auditor"):
            add_user(c, email=f"{role}@example.jp", role=role)
        with c.app_state.session_factory() as session:  # type: ignore[attr-defined]
            company_settings.update(session=session, actor=None, changes={
                "company_name": "有限会社くわな住宅管理", "industry": "rental_housing", "prefecture_code": "24",
                "municipality_code": "24205", "desk_name": "総務課 相談窓口", "desk_phone": "0594-55-0199",
            })
            session.commit()
        yield c


def test_admin_generates_from_the_page(client: TestClient) -> None:
    login(client, "admin@example.jp")
    page = client.get("/documents?incident=12")
    assert page.status_code == 200 and 'value="12"' in page.text
    token = csrf_from(page.text)
    pdf = client.post("/documents/generate", data={"kind": "clauses-lease", "format": "pdf", "csrf_token": token})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    html = client.post("/documents/generate", data={"kind": "manual", "format": "html", "csrf_token": token})
    assert html.status_code == 200 and "桑名市" in html.text and "data-testid=\"document-preview\"" in html.text
    missing = client.post("/documents/generate", data={"kind": "warning-letter", "format": "pdf", "csrf_token": token})
    assert missing.status_code == 422 and "error-summary" in missing.text
    no_csrf = client.post("/documents/generate", data={"kind": "manual", "format": "pdf"})
    assert no_csrf.status_code == 403


def test_staff_cannot_open_documents_but_takes_training(client: TestClient) -> None:
    login(client, "staff@example.jp")
    assert client.get("/documents").status_code == 403
    module = client.get("/training/staff")
    assert module.status_code == 200 and module.text.count('type="radio"') == 32
    assert "解答と解説" not in module.text  # the answer key is never sent with the quiz
    data = answers_as_the_judgment(quiz_from_page(module.text))
    data["q0"] = "none-of-these"
    data["csrf_token"] = csrf_from(module.text)
    result = client.post("/training/staff", data=data)
    assert result.status_code == 200 and "88点" in result.text and "合格" in result.text
    assert "修了" in client.get("/training").text
    assert client.get("/training/completions").status_code == 403
    assert client.get("/training/unknown").status_code == 404


def test_selfcheck_page_and_hr_list(client: TestClient) -> None:
    login(client, "admin@example.jp")
    page = client.get("/documents/selfcheck")
    assert page.status_code == 200 and "東京都" not in page.text and "相談窓口" in page.text
    saved = client.post("/documents/selfcheck", data={"q_policy_published": "yes", "csrf_token": csrf_from(page.text)})
    assert saved.status_code == 303
    again = client.get("/documents/selfcheck")
    assert 'value="yes" selected' in again.text
    # the adoption date and how staff were told are asked, and a bad date names its question
    assert 'type="date" name="q_policy_adopted_on"' in again.text and 'name="q_staff_told_how"' in again.text
    bad = client.post("/documents/selfcheck", data={"q_policy_adopted_on": "31/11/2026", "csrf_token": csrf_from(again.text)})
    assert bad.status_code == 422 and "policy_adopted_on" in bad.text
    ok = client.post("/documents/selfcheck", data={"q_policy_adopted_on": "2026-11-02", "q_staff_told_how": "briefing",
                                                   "csrf_token": csrf_from(again.text)})
    assert ok.status_code == 303
    shown = client.get("/documents/selfcheck").text
    assert 'value="2026-11-02"' in shown and 'value="briefing" selected' in shown
    assert "法令上の義務" in shown and "期限の目安" in shown
    hr = client.get("/training/completions")
    assert hr.status_code == 200 and "staff@example.jp" in hr.text


def test_english_pages(client: TestClient) -> None:
    login(client, "auditor@example.jp")
    page = client.get("/documents?lang=en")
    assert page.status_code == 200 and "Basic policy on customer harassment" in page.text
    assert "data-testid=\"generate-" not in page.text  # auditors read, they do not generate
    assert "Score" in client.get("/documents/selfcheck?lang=en").text
