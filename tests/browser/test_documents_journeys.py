"""Browser journeys for the documents area: an admin generates the response manual, approves it and
downloads it signed; a clerk reads the staff training and passes its quiz by answering as the
judgment would (reading each case on the page), and HR then sees the completion."""

from __future__ import annotations

import io
from typing import Any

import pytest
from helpers import login, shot
from pypdf import PdfReader

from kasuhara.company import Thresholds
from kasuhara.documents.training import describe_facts

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def company_settings(live_server: dict[str, Any]) -> None:
    """The admin's company settings (the settings page belongs to the web app; we set them directly)."""
    from kasuhara.services import company_settings as service

    with live_server["app"].state.session_factory() as session:
        service.update(session=session, actor=None, changes={
            "company_name": "株式会社ブラウザ商店", "industry": "retail", "prefecture_code": "13",
            "municipality_code": "13113", "desk_name": "総務部 相談窓口", "desk_phone": "03-0000-0000",
            "time_limit_minutes": 20, "repeat_contacts": 5, "repeat_days": 7,
        })
        session.commit()


def test_admin_generates_and_downloads_the_manual(page: Any) -> None:
    login(page, "admin", "/documents")
    page.goto("/documents")
    assert page.locator("[data-testid=doc-manual]").is_visible()
    shot(page, "documents-index")
    page.select_option("[data-testid=format-manual]", "pdf")
    with page.expect_download() as download_info:
        page.click("[data-testid=generate-manual]")
    download = download_info.value
    assert download.suggested_filename.startswith("manual-") and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        data = fh.read()
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "株式会社ブラウザ商店" in text and "東京都カスタマー・ハラスメント防止条例" in text
    # the same manual on screen, inside the layout
    page.goto("/documents")
    page.select_option("[data-testid=format-manual]", "html")
    page.click("[data-testid=generate-manual]")
    preview = page.locator("[data-testid=document-preview]")
    assert "カスタマーハラスメント対応マニュアル" in preview.inner_text()
    assert "未承認" in preview.inner_text()
    # the admin approves the manual; the signature block then names the approver
    page.goto("/documents")
    assert "未承認" in page.locator("[data-testid=approval-manual]").inner_text()
    page.fill("[data-testid=approver-title-manual]", "代表取締役")
    page.click("[data-testid=approve-manual]")
    page.wait_for_selector("[data-testid=approval-manual]")
    assert "承認済み" in page.locator("[data-testid=approval-manual]").inner_text()
    page.locator("[data-testid=doc-manual]").scroll_into_view_if_needed()
    shot(page, "documents-manual-approved", full_page=False)
    page.select_option("[data-testid=format-manual]", "pdf")
    with page.expect_download() as signed_info:
        page.click("[data-testid=generate-manual]")
    with open(signed_info.value.path(), "rb") as fh:
        signed = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages).split())
    assert "承認者承認日代表取締役" in signed and "未承認の案" not in signed
    shot(page, "documents-manual-preview")
    page.goto("/documents/selfcheck")
    assert "総合点" in page.locator("[data-testid=selfcheck-score]").inner_text()
    shot(page, "documents-selfcheck")


def _as_the_judgment(prompt: str, kind: str, choices: list[str]) -> str:
    """What the judgment decides for the case a question tells, under the company's limits (20 min, 5 in 7 days)."""
    from kasuhara.judge import judge, load_scenarios, parse_facts

    limits = Thresholds(20, 5, 7)
    for s in load_scenarios():
        a = judge(parse_facts(dict(s.facts)), thresholds=limits)
        if describe_facts(s.facts, tuple(b.behaviour.id for b in a.behaviours)).ja == prompt.strip():
            if kind == "determination":
                return a.determination.id
            recommended = {x.action.id for x in a.actions}
            return next(c for c in choices if c in recommended)
    raise AssertionError(f"no case tells: {prompt}")


def test_clerk_takes_the_training_quiz(page: Any) -> None:
    login(page, "staff", "/training")
    page.goto("/training")
    page.click("[data-testid=module-staff]")
    page.wait_for_selector("[data-testid=quiz-form]")
    shot(page, "training-staff-module")
    for index in range(page.locator("[data-testid^=question-]").count()):
        box = page.locator(f"[data-testid=question-{index}]")
        answer = _as_the_judgment(box.locator(f"[data-testid=prompt-{index}]").inner_text(),
                                  box.get_attribute("data-kind") or "",
                                  [c.get_attribute("data-choice") or "" for c in box.locator("input").all()])
        page.check(f"[data-testid=question-{index}] input[data-choice={answer}]")
    page.click("[data-testid=quiz-submit]")
    page.wait_for_selector("[data-testid=quiz-score]")
    assert "100" in page.locator("[data-testid=quiz-score]").inner_text()
    assert "合格" in page.locator("[data-testid=quiz-outcome]").inner_text()
    shot(page, "training-staff-result")
    page.goto("/training")
    assert "修了" in page.locator("table").inner_text()
    # HR (the admin) sees the clerk's completion
    page.context.clear_cookies()
    login(page, "admin", "/training/completions")
    page.goto("/training/completions")
    table = page.locator("[data-testid=completions]").inner_text()
    assert "佐藤" in table
    shot(page, "training-completions")


def test_quiz_on_a_phone(phone: Any) -> None:
    login(phone, "staff", "/training/staff")
    phone.goto("/training/staff")
    phone.wait_for_selector("[data-testid=quiz-form]")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    choice = phone.locator("[data-testid=question-0] .quiz-choice").first
    assert choice.bounding_box()["height"] >= 40  # a touch target
    shot(phone, "training-staff-phone")
