"""Browser journeys: the real app (uvicorn in a thread, fresh SQLite with demo data) driven by
Playwright through Debian's chromium. Screenshots go to artifacts/screenshots/.

Skipped with the reason when /usr/bin/chromium is missing, unless CI is set (then they fail).
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sys.path.insert(0, str(Path(__file__).parent))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.path.exists(CHROMIUM) or IN_CI:
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium); CI is not set")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _warm_up() -> None:
    """Load the screener's model and the knowledge base before the first page needs them, so a
    cold start on a busy machine does not eat a journey's timeout."""
    from kasuhara.knowledge import load_knowledge_base
    from kasuhara.screen import screen_text

    load_knowledge_base()
    screen_text("ふざけるな")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on 127.0.0.1:<free port> with a migrated, seeded SQLite database."""
    import uvicorn
    from seed import seed

    from kasuhara.config import Settings
    from kasuhara.store.migrate import upgrade
    from kasuhara.web.app import create_app

    data = tmp_path_factory.mktemp("browser-data")
    settings = Settings(environment="development", data_dir=data, database_url=f"sqlite:///{data / 'kasuhara.db'}",
                        evidence_dir=data / "evidence", secret_key="browser-test-secret-key-0123456789abcdef")
    upgrade(settings.database_url)
    app = create_app(settings)
    seeded = seed(app.state.session_factory, settings)
    _warm_up()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not start within 20 s")
        time.sleep(0.05)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "seeded": seeded, "app": app}
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"CI is set but {CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any, live_server: dict[str, Any]) -> Iterator[Any]:
    """A fresh browser context (no cookies) on a desktop-sized window."""
    context = browser.new_context(base_url=live_server["url"], viewport={"width": 1280, "height": 900},
                                  locale="ja-JP")
    context.set_default_timeout(30000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any, live_server: dict[str, Any]) -> Iterator[Any]:
    """A 375-px-wide phone with touch."""
    context = browser.new_context(base_url=live_server["url"], viewport={"width": 375, "height": 740},
                                  device_scale_factor=2, is_mobile=True, has_touch=True, locale="ja-JP")
    context.set_default_timeout(30000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
