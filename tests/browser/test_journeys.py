"""End-to-end journeys of the staff web app in a real browser (Debian chromium via Playwright)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import login, shot

pytestmark = pytest.mark.browser

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d6b2c80000000049454e44ae426082"
)


def state(answers: dict[str, Any]) -> str:
    raw = json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def answer_choice(page: Any, value: str) -> None:
    page.click(f"button[data-answer='{value}']")
    page.wait_for_load_state("domcontentloaded")


def test_clerk_violent_incident_sees_safety_first_then_result_and_report(page: Any) -> None:
    page.goto("/guide")
    assert page.locator("form[data-question='danger']").is_visible()
    shot(page, "guide-first-question")
    page.check("input[data-answer='violence']")
    page.click("[data-testid=next]")
    page.wait_for_load_state("domcontentloaded")
    safety = page.locator("[data-testid=safety]")
    assert safety.is_visible()
    # the safety instruction comes before anything else on the page, 110 is one tap away
    question_box = page.locator("form[data-question]").bounding_box()
    safety_box = safety.bounding_box()
    assert safety_box is not None and question_box is not None
    assert safety_box["y"] < question_box["y"]
    assert page.locator("[data-testid=call-110]").get_attribute("href") == "tel:110"
    assert page.locator("form[data-question]").get_attribute("data-question") == "injury"
    shot(page, "guide-safety-first")
    answer_choice(page, "no")  # injury
    answer_choice(page, "in_person")  # channel
    page.check("input[data-answer='verbal_abuse']")
    page.click("[data-testid=next]")
    page.wait_for_load_state("domcontentloaded")
    answer_choice(page, "none")  # conduct
    answer_choice(page, "refused")  # asked to leave
    page.fill("#answer-input", "3")
    page.click("[data-testid=next]")
    page.wait_for_load_state("domcontentloaded")
    page.fill("#answer-input", "45")  # duration
    page.click("[data-testid=next]")
    page.wait_for_load_state("domcontentloaded")
    page.click("[data-testid=skip]")  # contacts
    page.wait_for_load_state("domcontentloaded")
    answer_choice(page, "refund")
    answer_choice(page, "yes")  # related
    answer_choice(page, "invalid")
    answer_choice(page, "yes")  # public
    answer_choice(page, "no")  # official
    page.fill("#answer-input", "ふざけるな、殴るぞ")
    page.click("[data-testid=next]")
    page.wait_for_load_state("domcontentloaded")
    verdict = page.locator("[data-testid=determination]")
    assert verdict.get_attribute("data-determination") == "customer_harassment"
    assert page.locator("[data-testid=safety]").is_visible()
    first_actions = page.locator("[data-testid=actions] li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert first_actions[:2] == ["ensure_safety", "call_police"]
    assert page.locator("[data-testid=offences] li[data-article='208']").count() == 1
    assert page.locator("[data-testid=demand-axis]").inner_text().strip() != ""
    route = page.locator("svg [data-on='true'][data-node]").evaluate_all("els => els.map(e => e.dataset.node)")
    assert route == ["start", "danger", "safety", "manner", "end_manner"]
    assert page.locator("svg [data-end='true']").get_attribute("data-node") == "end_manner"
    shot(page, "guide-result")
    page.click("[data-testid=to-report]")
    page.wait_for_load_state("domcontentloaded")
    assert "/login" in page.url
    from seed import ACCOUNTS, PASSWORD

    page.fill("#email", ACCOUNTS["staff"])
    page.fill("#password", PASSWORD)
    page.click("form[action='/api/v1/auth/session'] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "/report" in page.url
    assert page.locator("input[name=behaviours][value=physical_attack]").is_checked()
    assert page.locator("#f-channel").input_value() == "in_person"
    assert page.locator("#f-duration_minutes").input_value() == "45"


def test_clerk_reports_with_pasted_transcript_and_file(page: Any, tmp_path: Path) -> None:
    login(page, "staff", "/report")
    page.goto("/report")
    page.fill("#f-title", "電話で怒鳴られた")
    page.select_option("#f-channel", "phone")
    page.fill("#f-summary", "返金を求めて30分以上怒鳴り続けた。")
    page.fill("#f-transcript", "ふざけるな、土下座しろ。\nSNSに晒すぞ")
    page.click("[data-testid=screen]")
    page.wait_for_load_state("domcontentloaded")
    marks = page.locator("#screening-result mark.flag")
    assert marks.count() >= 2
    flagged = " ".join(marks.all_inner_texts())
    assert "土下座しろ" in flagged
    found = page.locator("#screening-result li[data-behaviour]").evaluate_all("els => els.map(e => e.dataset.behaviour)")
    assert "forced_kneeling" in found
    shot(page, "report-screened")
    # an error next to its field, in Japanese, keeps what was typed
    page.fill("#f-title", "")
    page.fill("#f-duration_minutes", "-5")
    page.click("[data-testid=save-report]")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#err-title").is_visible()
    assert "0以上" in page.locator("#err-duration_minutes").inner_text()
    assert page.locator("#f-duration_minutes").get_attribute("aria-invalid") == "true"
    assert "土下座しろ" in page.locator("#f-transcript").input_value()
    shot(page, "report-errors")
    page.fill("#f-title", "電話で怒鳴られた")
    page.fill("#f-duration_minutes", "40")
    photo = tmp_path / "screenshot.png"
    photo.write_bytes(PNG)
    page.set_input_files("#f-files", str(photo))
    page.select_option("#f-evidence_kind", "screenshot")
    page.click("[data-testid=save-report]")
    page.wait_for_load_state("domcontentloaded")
    assert "/cases/" in page.url
    evidence = page.locator("[data-testid=evidence]").inner_text()
    assert "screenshot.png" in evidence and "transcript.txt" in evidence
    assert page.locator("[data-testid=preview]").is_visible()
    # screened behaviours are suggestions on the case until a person confirms them
    assert page.locator("[data-testid=suggestions] li[data-behaviour='forced_kneeling']").count() == 1
    # staff report: no workflow buttons and no decision form for this role
    assert page.locator("[data-testid=workflow]").count() == 0
    assert page.locator("[data-testid=record-decision]").count() == 0
    shot(page, "case-staff-view")


def test_supervisor_filters_opens_a_case_and_records_a_decision(page: Any) -> None:
    login(page, "supervisor", "/cases")
    page.goto("/cases")
    total = page.locator("[data-testid=cases-table] tbody tr").count()
    assert total >= 7
    page.select_option("#flt-determination", "customer_harassment")
    page.click("[data-testid=apply-filters]")
    page.wait_for_load_state("domcontentloaded")
    rows = page.locator("[data-testid=cases-table] tbody tr")
    assert 0 < rows.count() < total
    labels = page.locator("[data-testid=cases-table] tbody td:nth-child(5)").all_inner_texts()
    assert labels and all(text.strip() == "カスハラ" for text in labels)
    page.fill("#view-name", "カスハラのみ")
    page.click("[data-testid=save-view]")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("a[data-view='カスハラのみ']").is_visible()
    shot(page, "cases-list")
    page.locator("[data-testid=cases-table] tbody tr a").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("[data-testid=judgment] [data-testid=determination]").is_visible()
    moves = page.locator("[data-testid=workflow] button[data-move]").evaluate_all("els => els.map(e => e.dataset.move)")
    assert "assessing" in moves
    page.click("[data-testid=record-decision]")  # no kind, no reason: errors next to the fields
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#err-kind").is_visible()
    page.select_option("#decision-kind", "warning")
    page.fill("#decision-reason", "暴言が続いたため書面で警告する")
    page.click("[data-testid=record-decision]")
    page.wait_for_load_state("domcontentloaded")
    decisions = page.locator("[data-testid=decisions]").inner_text()
    assert "警告" in decisions and "書面で警告する" in decisions
    page.click("button[data-move='assessing']")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("[data-testid=case-status]").inner_text().strip() == "判断中"
    assert page.locator("[data-testid=timeline] li[data-event='decision']").count() == 1
    shot(page, "case-supervisor")


def test_admin_changes_the_time_limit_and_the_guided_judgment_uses_it(page: Any) -> None:
    answers = {"danger": ["none"], "channel": "phone", "words": ["none"], "conduct": ["none"],
               "leave": "not_asked", "duration": 45, "contacts": None, "demand_kind": "refund",
               "demand_related": "yes", "demand_validity": "invalid", "utterances": None}
    page.goto(f"/guide?s={state(answers)}")
    assert page.locator("[data-testid=determination]").get_attribute("data-determination") == "customer_harassment"
    login(page, "admin", "/settings")
    page.goto("/settings")
    page.fill("#thr-time_limit_minutes", "0")
    page.click("[data-testid=save-thresholds]")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#err-thr-time_limit_minutes").is_visible()
    page.fill("#thr-time_limit_minutes", "60")
    page.click("[data-testid=save-thresholds]")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#thr-time_limit_minutes").input_value() == "60"
    shot(page, "settings")
    try:
        page.goto(f"/guide?s={state(answers)}")
        assert page.locator("[data-testid=determination]").get_attribute("data-determination") == "unjustified_demand"
        assert "60" in page.locator("main").inner_text()
    finally:
        page.goto("/settings")
        page.fill("#thr-time_limit_minutes", "30")
        page.click("[data-testid=save-thresholds]")
        page.wait_for_load_state("domcontentloaded")


def test_language_switch_to_english_and_back(page: Any) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.click(".lang-switch a[data-lang='en']")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("[data-testid=start-guide]")
    page.wait_for_load_state("domcontentloaded")
    assert "Is any of this happening now?" in page.locator("main").inner_text()
    page.click("button[data-answer='none']")
    page.wait_for_load_state("domcontentloaded")
    assert "Where (how) did it happen?" in page.locator("main").inner_text()
    shot(page, "guide-english")
    page.click(".lang-switch a[data-lang='ja']")
    page.wait_for_load_state("domcontentloaded")
    assert "どこで" in page.locator("main").inner_text()
    assert page.locator("html").get_attribute("lang") == "ja"


def test_phone_viewport_guide_and_cases_fit_and_have_big_targets(phone: Any) -> None:
    phone.goto("/guide")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    phone.click("button[data-answer='none']")
    phone.wait_for_load_state("domcontentloaded")
    heights = phone.locator("button.choice").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 48
    shot(phone, "phone-guide")
    violent = {"danger": ["violence"], "injury": "no", "channel": "in_person", "words": ["verbal_abuse"],
               "conduct": ["none"], "leave": "not_asked", "duration": 20, "contacts": None, "demand_kind": "none",
               "public": "no", "official": "no", "utterances": None}
    phone.goto(f"/guide?s={state(violent)}")
    assert phone.locator("[data-testid=safety]").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    chart = phone.locator("[data-testid=flowchart]").bounding_box()
    assert chart is not None and chart["width"] <= 375  # the chart scrolls inside its box, not the page
    assert phone.locator("[data-testid=route-steps]").inner_text().endswith("カスハラ")
    shot(phone, "phone-result")
    login(phone, "supervisor", "/cases")
    phone.goto("/cases")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "phone-cases")
    phone.goto("/dashboard")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.goto("/report")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "phone-report")


def test_dashboard_draws_charts_and_filters_by_site(page: Any, live_server: dict[str, Any]) -> None:
    login(page, "supervisor", "/dashboard")
    page.goto("/dashboard")
    page.wait_for_selector("canvas[data-chart='month'][data-drawn='true']")
    drawn = page.locator("canvas[data-drawn='true']").count()
    assert drawn >= 5
    total = int(page.locator("[data-kpi=total]").inner_text())
    assert total >= 7
    shot(page, "dashboard")
    page.select_option("#d-site", str(live_server["seeded"]["sites"]["kuwana"]))
    page.click("[data-testid=dashboard-filters] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert 0 < int(page.locator("[data-kpi=total]").inner_text()) < total


def test_keyboard_only_answer_and_skip_link(page: Any) -> None:
    page.goto("/guide")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    page.focus("input[data-answer='threat']")
    page.keyboard.press("Space")
    page.focus("[data-testid=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[data-testid=safety]").is_visible()
    # every answer button of the next question is reachable with Tab
    assert page.locator("form[data-question]").get_attribute("data-question") == "channel"
    page.focus("button[data-answer='phone']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("form[data-question]").get_attribute("data-question") == "words"
