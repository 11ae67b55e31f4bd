"""Reporting a transcript and deciding its screened suggestions, in a real browser.

A clerk pastes a transcript, sees the suggestions while typing, confirms one and rejects one,
and saves; the case page shows the same findings with their status; a supervisor confirms the
remaining one with one tap and the determination follows.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import login, shot

pytestmark = pytest.mark.browser

TRANSCRIPT = "今すぐ家まで謝りに来い\n土下座しろ\n金を返さないなら殺すぞ"
SUGGESTED = {"excessive_demand", "forced_kneeling", "threat"}


def behaviours(page: Any, selector: str) -> list[str]:
    found: list[str] = page.locator(selector).evaluate_all("els => els.map(e => e.dataset.behaviour)")
    return found


def statuses(page: Any) -> dict[str, str]:
    found: dict[str, str] = page.locator("[data-testid=suggestions] li[data-behaviour]").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.behaviour, e.dataset.status]))")
    return found


def report_transcript(page: Any, title: str, prefix: str) -> str:
    """Fill the form, decide two suggestions on the live screening, save; returns the case URL."""
    login(page, "staff", "/report")
    page.goto("/report")
    page.fill("#f-title", title)
    page.select_option("#f-channel", "phone")
    page.select_option("#f-demand_kind", "refund")
    page.select_option("#f-demand_validity", "valid")
    page.fill("#f-transcript", TRANSCRIPT)  # screened while typing (no button)
    page.wait_for_selector("#screening-result li[data-behaviour='threat']")
    live = behaviours(page, "#screening-result li[data-behaviour]")
    assert set(live) == SUGGESTED
    assert page.locator("#screening-result mark.flag").count() >= 3
    page.check("[data-testid=confirm-excessive_demand]")
    page.check("[data-testid=reject-forced_kneeling]")
    # typing more re-screens and keeps the decisions already made
    page.fill("#f-transcript", TRANSCRIPT + "\nよろしくお願いします")
    page.wait_for_timeout(1500)
    page.wait_for_selector("#screening-result li[data-behaviour='threat']")
    assert page.is_checked("[data-testid=confirm-excessive_demand]")
    assert page.is_checked("[data-testid=reject-forced_kneeling]")
    shot(page, f"{prefix}-report-suggestions")
    page.click("[data-testid=save-report]")
    page.wait_for_load_state("domcontentloaded")
    assert "/cases/" in page.url
    return str(page.url)


def test_clerk_decides_suggestions_and_supervisor_confirms_the_last_with_one_tap(page: Any) -> None:
    case_url = report_transcript(page, "電話で家に来いと言われた", "desktop")
    # the case shows the same findings, with what the clerk decided
    assert set(statuses(page)) == SUGGESTED
    assert statuses(page) == {"excessive_demand": "confirmed", "forced_kneeling": "rejected", "threat": "suggested"}
    assert page.locator("[data-testid=determination]").get_attribute("data-determination") == "legitimate_complaint"
    assert page.locator("[data-testid=at-stake]").get_attribute("data-determination") == "customer_harassment"
    shot(page, "desktop-case-clerk")

    page.context.clear_cookies()
    login(page, "supervisor", case_url)
    page.goto(case_url)
    assert page.locator("[data-testid=determination]").get_attribute("data-determination") == "legitimate_complaint"
    with page.expect_navigation():
        page.click("[data-testid=confirm-threat]")
    assert statuses(page)["threat"] == "confirmed"
    assert page.locator("[data-testid=determination]").get_attribute("data-determination") == "customer_harassment"
    assert page.locator("[data-testid=at-stake]").count() == 0
    assert page.locator("[data-testid=actions] li[data-action='call_police']").count() == 1
    assert page.locator("[data-testid=offences] li[data-article='222']").count() == 1
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "発言の判定" in timeline
    shot(page, "desktop-case-supervisor-confirmed")


def test_the_same_journey_fits_a_phone(phone: Any) -> None:
    case_url = report_transcript(phone, "窓口で土下座を求められた", "phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the case page scrolls sideways ({width}px)"
    shot(phone, "phone-case-clerk")
    phone.context.clear_cookies()
    login(phone, "supervisor", case_url)
    phone.goto(case_url)
    button = phone.locator("[data-testid=confirm-threat]")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44, box
    with phone.expect_navigation():
        button.tap()
    assert phone.locator("[data-testid=determination]").get_attribute("data-determination") == "customer_harassment"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "phone-case-supervisor-confirmed")
