"""The demo's finished phone-centre call: on the board, and one click makes it a case."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kasuhara.cli.demo import build_demo
from kasuhara.config import Settings
from kasuhara.demo.core import DEMO_PASSWORD
from kasuhara.demo.live import CALL_ID
from kasuhara.web.app import create_app


def test_the_demo_call_is_on_the_board_and_becomes_a_case(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'demo.db'}",
                        evidence_dir=tmp_path / "evidence")
    context = build_demo(settings)
    assert any(CALL_ID in note for note in context["notes"])
    app = create_app(settings)
    with TestClient(app) as client:
        login = client.post("/api/v1/auth/login", json={"email": "supervisor.cc@example.jp", "password": DEMO_PASSWORD})
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        board = client.get("/api/v1/calls").json()
        assert [c["call_id"] for c in board["ended"]] == [CALL_ID]
        rules = {a["rule"] for a in client.get(f"/api/v1/calls/{CALL_ID}").json()["alerts"]}
        assert {"harmful_speech", "repeated_demand", "continued_after_end_request"} <= rules
        made = client.post(f"/api/v1/calls/{CALL_ID}/incident", headers=csrf)
        assert made.status_code == 201, made.text
        assert client.get(f"/api/v1/incidents/{made.json()['incident_id']}").json()["channel"] == "phone"
    app.state.engine.dispose()
