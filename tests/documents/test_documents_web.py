"""Documents and training through the API and the pages, on SQLite and PostgreSQL: generation from
the stored settings, case documents with the case's permissions, training stored per user and
visible to HR, and a self-check that follows the company's real state."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from casefile_world import World, build_world, fast_password_hashing  # noqa: F401
from docs_helpers import answers_as_the_judgment, flat
from pypdf import PdfReader

from kasuhara.services import company_settings


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    for w in build_world(db_url, tmp_path):
        with w.app.state.session_factory() as session:
            company_settings.update(session=session, actor=None, changes={
                "company_name": "株式会社さくらマート", "industry": "retail", "prefecture_code": "13",
                "municipality_code": "13104", "desk_name": "人事部 相談窓口", "desk_phone": "03-5555-0199",
                "time_limit_minutes": 25,
            })
            session.commit()
        yield w


def text_of(content: bytes) -> str:
    return flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


def test_kinds_and_manual_from_settings(world: World) -> None:
    kinds = world.call("staff", "GET", "/api/v1/documents/kinds").json()
    assert {k["id"] for k in kinds} >= {"policy", "manual", "incident-report", "selfcheck"}
    r = world.call("admin", "POST", "/api/v1/documents/manual", json={"format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    text = text_of(r.content)
    assert "株式会社さくらマート" in text and "東京都カスタマー・ハラスメント防止条例" in text and "25分" in text
    docx = world.call("supervisor", "POST", "/api/v1/documents/policy", json={"format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert world.call("staff", "POST", "/api/v1/documents/manual", json={}).status_code == 403
    assert world.call("auditor", "POST", "/api/v1/documents/manual", json={}).status_code == 403
    assert world.call("admin", "POST", "/api/v1/documents/nope", json={}).status_code == 404
    assert world.call("admin", "POST", "/api/v1/documents/manual", json={"format": "exe"}).status_code == 422


def test_case_documents_follow_case_permissions(world: World) -> None:
    url = "/api/v1/documents/incident-report"
    ok = world.call("supervisor", "POST", url, json={"incident_id": world.incident_a})
    assert ok.status_code == 200, ok.text
    text = text_of(ok.content)
    assert "返金の強要" in text and "暴言・侮辱" in text and "2026年10月5日" in text
    assert world.call("supervisor_b", "POST", url, json={"incident_id": world.incident_a}).status_code == 403
    assert world.call("admin", "POST", url, json={}).status_code == 422
    with world.app.state.session_factory() as session:
        company_settings.update(session=session, actor=None, changes={
            "customer_contact_name": "お客様相談室", "customer_contact_phone": "0120-555-030"})
        session.commit()
    letter = world.call("admin", "POST", "/api/v1/documents/warning-letter", json={
        "incident_id": world.incident_a, "customer_name": "鈴木 次郎", "customer_address": "東京都新宿区西新宿九丁目9番9号"})
    assert letter.status_code == 200 and "警告書" in text_of(letter.content)
    log = world.call("admin", "GET", "/api/v1/audit").json()
    items = log["items"] if isinstance(log, dict) else log
    assert any(e.get("action") == "document.generate" for e in items)


def test_training_stored_per_user_and_visible_to_hr(world: World) -> None:
    quiz = world.call("staff", "GET", "/api/v1/training/staff/quiz").json()
    assert len(quiz) == 8 and "answer" not in quiz[0]
    assert world.call("staff", "GET", "/api/v1/training/staff/quiz").json() == quiz  # a reload shows the same sheet
    right = answers_as_the_judgment(quiz)
    r = world.call("staff", "POST", "/api/v1/training/staff/attempts", json={"answers": right})
    assert r.status_code == 201 and r.json()["passed"] is True and r.json()["score"] == 100
    wrong = {q["id"]: "legitimate_complaint" for q in world.call("desk", "GET", "/api/v1/training/staff/quiz").json()}
    r2 = world.call("desk", "POST", "/api/v1/training/staff/attempts", json={"answers": wrong})
    assert r2.status_code == 201 and r2.json()["passed"] is False
    me = {m["module"]: m for m in world.call("staff", "GET", "/api/v1/training/me").json()}
    assert me["staff"]["completed_at"] and me["supervisor"]["completed_at"] is None
    assert world.call("staff", "GET", "/api/v1/training/completions").status_code == 403
    rows = {r["display_name"]: r for r in world.call("admin", "GET", "/api/v1/training/completions").json()}
    staff_modules = {m["module"]: m for m in rows["staff"]["modules"]}
    assert staff_modules["staff"]["best_score"] == 100 and rows["staff"]["completed_all_required"] is True
    assert rows["desk"]["completed_all_required"] is False
    assert world.call("staff", "POST", "/api/v1/training/staff/attempts", json={"answers": {"x": "y"}}).status_code == 422


def test_selfcheck_follows_the_real_state(world: World) -> None:
    def result() -> dict[str, dict[str, str]]:
        data = world.call("admin", "GET", "/api/v1/documents/selfcheck/result").json()
        return {q["id"]: q for q in data["questions"]}

    before = result()
    assert before["desk_set_up"]["answer"] == "yes" and before["desk_set_up"]["origin"] == "system"
    assert before["policy_defined"]["answer"] == "unanswered"
    assert before["training_done"]["answer"] == "no"
    world.call("admin", "POST", "/api/v1/documents/policy", json={"format": "pdf"})
    world.call("admin", "POST", "/api/v1/documents/manual", json={"format": "pdf"})
    right = answers_as_the_judgment(world.call("staff", "GET", "/api/v1/training/staff/quiz").json())
    world.call("staff", "POST", "/api/v1/training/staff/attempts", json={"answers": right})
    after = result()
    # generated, not yet adopted: partly; an approval in the app adopts it
    assert after["policy_defined"]["answer"] == "partial" and after["tokyo_manual"]["answer"] == "partial"
    world.call("admin", "POST", "/api/v1/documents/policy/approvals", json={"approver_title": "代表取締役"})
    world.call("admin", "POST", "/api/v1/documents/manual/approvals", json={"approver_title": "代表取締役"})
    adopted = result()
    assert adopted["policy_defined"]["answer"] == "yes" and adopted["tokyo_manual"]["answer"] == "yes"
    assert adopted["policy_adopted_on"]["origin"] == "system"
    assert after["training_done"]["answer"] == "partial"
    put = world.call("admin", "PUT", "/api/v1/documents/selfcheck/answers", json={"answers": {"policy_published": "yes"}})
    assert put.status_code == 200
    assert {q["id"]: q for q in put.json()["questions"]}["policy_published"]["answer"] == "yes"
    assert world.call("desk", "PUT", "/api/v1/documents/selfcheck/answers", json={"answers": {}}).status_code == 403
    assert world.call("staff", "GET", "/api/v1/documents/selfcheck/result").status_code == 403
    bad = world.call("admin", "PUT", "/api/v1/documents/selfcheck/answers", json={"answers": {"nonsense": "yes"}})
    assert bad.status_code == 422


def test_case_without_facts_and_unset_settings_are_handled(world: World) -> None:
    r = world.call("admin", "POST", "/api/v1/documents/incident-report", json={"incident_id": world.incident_b})
    assert r.status_code == 200, r.text  # no facts recorded yet: the report says so, the judgment still runs
    assert world.call("admin", "POST", "/api/v1/documents/manual", json={"size": "A3"}).status_code == 422
    assert world.call("admin", "POST", "/api/v1/documents/incident-report", json={"incident_id": 999999}).status_code == 404
    with world.app.state.session_factory() as session:
        company_settings.update(session=session, actor=None, changes={"company_name": ""})
        session.commit()
    r = world.call("admin", "POST", "/api/v1/documents/policy", json={})
    assert r.status_code == 422 and "company_name" in r.text


def test_selfcheck_document_uses_the_stored_state(world: World) -> None:
    world.call("admin", "POST", "/api/v1/documents/policy", json={})
    world.call("admin", "PUT", "/api/v1/documents/selfcheck/answers", json={"answers": {"policy_published": "yes"}})
    score = world.call("admin", "GET", "/api/v1/documents/selfcheck/result").json()["score"]
    r = world.call("admin", "POST", "/api/v1/documents/selfcheck", json={"format": "pdf"})
    assert r.status_code == 200
    assert f"総合点{score}/100" in text_of(r.content)
