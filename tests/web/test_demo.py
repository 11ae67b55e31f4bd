"""`kasuhara demo` builds a populated instance one can log into, deterministically."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kasuhara.cli.demo import build_demo
from kasuhara.config import Settings
from kasuhara.demo.core import DEMO_PASSWORD
from kasuhara.services import audit
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.judgments import JudgmentSnapshot
from kasuhara.web.app import create_app


def _settings(tmp_path: Path, name: str) -> Settings:
    return Settings(data_dir=tmp_path / name, database_url=f"sqlite:///{tmp_path / name / 'demo.db'}",
                    evidence_dir=tmp_path / name / "evidence")


def test_demo_is_populated_deterministic_and_usable(tmp_path: Path) -> None:
    first, second = _settings(tmp_path, "one"), _settings(tmp_path, "two")
    context = build_demo(first)
    build_demo(second)
    assert ("admin@example.jp", "admin", DEMO_PASSWORD) in context["accounts"]
    summaries = []
    for settings in (first, second):
        app = create_app(settings)
        with app.state.session_factory() as session:
            rows = session.execute(select(Incident.site_id, Incident.title, Incident.status)
                                   .order_by(Incident.id)).all()
            summaries.append([tuple(r) for r in rows])
            assert len(rows) >= 50 and len({r.site_id for r in rows}) >= 4
            assert (session.scalar(select(func.count()).select_from(JudgmentSnapshot)) or 0) > 20
            assert audit.verify(session=session).ok
        with TestClient(app) as client:
            r = client.post("/api/v1/auth/login", json={"email": "supervisor@example.jp", "password": DEMO_PASSWORD})
            assert r.status_code == 200
            listed = client.get("/api/v1/incidents", params={"status": "closed"}).json()
            assert listed["total"] > 0
        app.state.engine.dispose()
    assert summaries[0] == summaries[1]
