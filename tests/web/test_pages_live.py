"""The live-call pages through the real app: who sees them, the words they carry, the call links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_fixtures import add_user, app_client, login


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path) as c:
        add_user(c, email="staff@example.jp", role="staff", site_codes=("S1",))
        add_user(c, email="boss@example.jp", role="supervisor", site_codes=("S1",))
        add_user(c, email="desk@example.jp", role="desk")
        yield c


def messages(html: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="live-messages">(.*?)</script>', html, re.S)
    assert found is not None
    result: dict[str, str] = json.loads(found.group(1))
    return result


def test_the_operator_screen_lists_live_calls_and_opens_one(client: TestClient) -> None:
    login(client, "staff@example.jp")
    page = client.get("/live")
    assert page.status_code == 200 and "通話中の電話はありません" in page.text
    one = client.get("/live?call=abc-1")
    assert 'data-call-id="abc-1"' in one.text and "責任者を呼ぶ" in one.text
    assert messages(one.text)["speaker.customer"] == "お客様"
    english = client.get("/live?call=abc-1&lang=en")
    assert "Call the supervisor" in english.text and messages(english.text)["speaker.customer"] == "Customer"


def test_the_board_is_for_supervisors(client: TestClient) -> None:
    login(client, "staff@example.jp")
    assert client.get("/live/board").status_code == 403
    client.cookies.clear()
    login(client, "boss@example.jp")
    board = client.get("/live/board")
    assert board.status_code == 200 and 'id="board-calls"' in board.text
    assert 'href="/live/board"' in board.text  # in the navigation
    assert all(not value.startswith("live.") for value in messages(board.text).values())


def test_anonymous_visitors_are_sent_to_login(client: TestClient) -> None:
    assert client.get("/live").status_code == 303
