"""Browser journey of a live call (issue 17): a simulated call streams a transcript over the
WebSocket (the example client), the operator sees the prompt, the supervisor's board shows the
alert within a second, the supervisor takes over, and the call becomes a case."""

from __future__ import annotations

import importlib.util
import sys
import time
from typing import Any

import pytest
from helpers import ROOT, login, shot

pytestmark = pytest.mark.browser


def example_client() -> Any:
    spec = importlib.util.spec_from_file_location("live_client", ROOT / "examples" / "live_client.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def integration_token(live_server: dict[str, Any]) -> str:
    from sqlalchemy import select

    from kasuhara.services import auth
    from kasuhara.store.models.users import User

    app = live_server["app"]
    with app.state.session_factory() as session:
        staff = session.scalars(select(User).where(User.email == "clerk@browser.test")).one()
        _row, raw = auth.create_api_token(session=session, user=staff, name="softphone",
                                          secret_key=app.state.settings.secret_key)
        session.commit()
    return str(raw)


def test_a_live_call_from_first_words_to_a_case(browser: Any, live_server: dict[str, Any], integration_token: str,
                                                 page: Any, phone: Any) -> None:
    lc = example_client()
    lines = lc.load_transcript(ROOT / "examples" / "live" / "angry_call.vtt")
    site = live_server["seeded"]["sites"]["ikebukuro"]
    client = lc.LiveClient(live_server["url"].replace("http", "ws"), integration_token, "journey-1",
                           {"site_id": site, "operator": "clerk@browser.test"})
    login(page, "supervisor", "/live/board")
    page.goto("/live/board")
    client.start()
    page.wait_for_selector("#board-calls tr[data-call-id='journey-1']")
    login(phone, "staff", "/live?call=journey-1")
    phone.goto("/live?call=journey-1")
    phone.wait_for_selector("#call-status:has-text('通話中')")
    for line in lines[:6]:
        client.segment(line)
    phone.wait_for_selector("#transcript li[data-seq='5']")
    sent = time.monotonic()
    client.segment(lines[6])  # 「店まで行って土下座させてやるからな。殺すぞ。」
    page.wait_for_selector("#board-alerts li[data-rule='harmful_speech'][data-call-id='journey-1']", timeout=1000)
    board_seconds = time.monotonic() - sent
    assert board_seconds < 1.0
    phone.wait_for_selector("#prompt[data-rule='harmful_speech']", timeout=2000)
    assert "警察" in phone.inner_text("#prompt-say")
    assert phone.locator("#transcript .live-flag").count() >= 2  # each flag explained
    shot(phone, "live-operator-prompt-375")
    shot(page, "live-board-alert-desktop")
    page.click("#board-calls tr[data-call-id='journey-1'] button[data-action='take_over']")
    phone.wait_for_selector("#supervisor-status:has-text('交代')", timeout=3000)
    page.wait_for_selector("#board-calls tr[data-call-id='journey-1'] .tag:has-text('交代')")
    for line in lines[7:]:
        client.segment(line)
    client.end()
    page.wait_for_selector("#board-ended li[data-call-id='journey-1'] button")
    page.click("#board-ended li[data-call-id='journey-1'] button")
    page.wait_for_selector("#board-ended li[data-call-id='journey-1'] a:has-text('事案を開く')")
    shot(page, "live-board-ended-desktop")
    page.click("#board-ended li[data-call-id='journey-1'] a")
    page.wait_for_load_state("domcontentloaded")
    assert "journey-1" in page.inner_text("main")
    shot(page, "live-case-desktop")
    phone.wait_for_selector("#call-status:has-text('終了')")


def test_the_operator_screen_without_a_call_lists_calls(phone: Any) -> None:
    login(phone, "staff", "/live")
    phone.goto("/live")
    assert "通話" in phone.inner_text("h1")
    shot(phone, "live-operator-empty-375")




def test_the_board_on_a_phone(phone: Any) -> None:
    login(phone, "supervisor", "/live/board")
    phone.goto("/live/board")
    phone.wait_for_selector("#board-calls")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # nothing runs off the screen
    shot(phone, "live-board-375")
