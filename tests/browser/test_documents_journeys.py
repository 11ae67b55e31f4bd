"""Browser journeys for the documents area: an admin generates the response manual and downloads
it; a clerk reads the staff training and passes its quiz, and HR then sees the completion."""

from __future__ import annotations

import io
from typing import Any

import pytest
from helpers import login, shot
from pypdf import PdfReader

from kasuhara.documents.training import build_quiz

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def company_settings(live_server: dict[str, Any]) -> None:
    """The admin's company settings (the settings page belongs to the web app; we set them directly)."""
    from kasuhara.services import company_settings as service

    with live_server["app"].state.session_factory() as session:
        service.update(session=session, actor=None, changes={
            "company_name": "株式会社ブラウザ商店", "industry": "retail", "prefecture_code": "13",
            "municipality_code": "13113", "desk_name": "総務部 相談窓口", "desk_phone": "03-0000-0000",
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
    shot(page, "documents-manual-preview")
    page.goto("/documents/selfcheck")
    assert "総合点" in page.locator("[data-testid=selfcheck-score]").inner_text()
    shot(page, "documents-selfcheck")


def test_clerk_takes_the_training_quiz(page: Any) -> None:
    login(page, "staff", "/training")
    page.goto("/training")
    page.click("[data-testid=module-staff]")
    page.wait_for_selector("[data-testid=quiz-form]")
    shot(page, "training-staff-module")
    for index, question in enumerate(build_quiz("staff")):
        page.check(f"[data-testid=question-{index}] input[data-choice={question.answer}]")
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
