"""Pages under the Content-Security-Policy: no violation on the main pages, Swagger UI from the
package on /docs, and the proof-of-work login solved by the page's own script."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from helpers import login, shot
from seed import ACCOUNTS, PASSWORD

pytestmark = pytest.mark.browser

PAGES = ("/", "/cases", "/dashboard", "/report", "/guide", "/settings", "/docs")


def _csp_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def test_main_pages_and_api_docs_load_without_csp_violations(page: Any) -> None:
    errors = _csp_errors(page)
    login(page, "admin")
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
        page.wait_for_load_state("networkidle")
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)  # Swagger UI ran, from /static/vendor
    shot(page, "trust-api-docs")
    assert errors == []


def test_a_login_under_attack_is_solved_by_the_page(page: Any, live_server: dict[str, Any]) -> None:
    app = live_server["app"]
    original = app.state.settings
    app.state.settings = original.model_copy(update={"login_pow_after_failures": 1, "login_pow_bits": 12})
    try:
        email = ACCOUNTS["supervisor"]
        r = httpx.post(f"{live_server['url']}/api/v1/auth/login", json={"email": email, "password": "wrong-guess-1"})
        assert r.status_code == 401
        errors = _csp_errors(page)
        page.goto("/login?next=/cases")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("form[action='/api/v1/auth/session'] button[type=submit]")
        page.wait_for_url("**/login?error=pow*")
        assert page.locator("input[name=pow_challenge]").count() == 1
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("form[action='/api/v1/auth/session'] button[type=submit]")
        page.wait_for_url("**/cases", timeout=60000)
        assert errors == []
    finally:
        app.state.settings = original
