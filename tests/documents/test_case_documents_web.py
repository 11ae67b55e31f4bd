"""Case documents generated in the web app read as what happened, where it happened, in Japan time.

The world (tests/web/casefile_world.py) has a Tokyo company with a shop in Shinjuku and one in
Umeda (Osaka): a case at the Osaka shop must be decided by the law of Osaka, not Tokyo's ordinance.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from casefile_world import World, build_world, fast_password_hashing  # noqa: F401
from docs_helpers import flat
from pypdf import PdfReader

from kasuhara.services import company_settings, customers, decisions, incidents
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    for w in build_world(db_url, tmp_path):
        with w.app.state.session_factory() as session:
            company_settings.update(session=session, actor=None, changes={
                "company_name": "株式会社さくらマート", "industry": "retail", "prefecture_code": "13",
                "municipality_code": "13104", "desk_name": "人事部 相談窓口", "desk_phone": "03-5555-0199",
                "representative": "代表取締役 山田 太郎", "address": "東京都新宿区西新宿二丁目8番1号",
                "customer_contact_name": "お客様相談室", "customer_contact_phone": "0120-555-030",
            })
            for site in session.query(Site):
                site.address = "東京都新宿区西新宿一丁目1番1号" if site.code == "A" else "大阪府大阪市北区梅田一丁目1番1号"
            admin = session.get(User, w.user_ids["admin"])
            assert admin is not None
            customer = customers.create(session=session, actor=admin, display_name="鈴木 次郎",
                                        identifiers=[("phone", "090-1234-5678")])
            case = session.get(Incident, w.incident_a)
            assert case is not None
            case.customer_id = customer.id
            incidents.add_note(session=session, actor=admin, incident_id=w.incident_a,
                               text="返金を断ると「お前は馬鹿か」と繰り返し、40分通話が続いた")
            decisions.create(session=session, actor=admin, incident_id=w.incident_a, kind="warning",
                             reason="警告書を送付する")
            session.commit()
        yield w


def text_of(content: bytes) -> str:
    return flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


def test_report_is_the_chronology_of_what_happened_in_japan_time(world: World) -> None:
    r = world.call("supervisor", "POST", "/api/v1/documents/incident-report", json={"incident_id": world.incident_a})
    assert r.status_code == 200, r.text
    text = text_of(r.content)
    # 2026-10-05 01:30 UTC is 10:30 in Japan, and says so
    assert "2026-10-0510:30（日本時間）" in text and "01:30" not in text
    assert "日本時間（JST,UTC+9）" in text
    assert "お前は馬鹿か" in text and "決定:警告" in text and "警告書を送付する" in text
    # the system's own events are not the facts
    for internal in ("created", "transition", "reported", "assessing", "judgment"):
        assert internal not in text, internal
    assert "東京都新宿区西新宿一丁目1番1号" in text  # the site's own address
    assert "鈴木次郎" in text and "090-1234-5678" in text


def test_a_case_at_the_osaka_shop_is_not_under_the_tokyo_ordinance(world: World) -> None:
    r = world.call("admin", "POST", "/api/v1/documents/incident-report", json={"incident_id": world.incident_b})
    assert r.status_code == 200, r.text
    text = text_of(r.content)
    assert "梅田店（大阪府大阪市北区梅田一丁目1番1号）" in text and "所在地の都道府県大阪府" in text
    assert "東京都カスタマー・ハラスメント防止条例" not in text and "東京都条例" not in text
    shinjuku = text_of(world.call("admin", "POST", "/api/v1/documents/incident-report",
                                  json={"incident_id": world.incident_a}).content)
    assert "東京都カスタマー・ハラスメント防止条例" in shinjuku


def test_warning_letter_needs_an_addressee_and_says_how_it_happened(world: World) -> None:
    url = "/api/v1/documents/warning-letter"
    missing = world.call("admin", "POST", url, json={"incident_id": world.incident_a})
    assert missing.status_code == 422
    assert "customer_address" in missing.text  # the problem names the field
    no_name = world.call("admin", "POST", url, json={"incident_id": world.incident_b, "customer_address": "大阪市"})
    assert no_name.status_code == 422 and "customer_name" in no_name.text
    ok = world.call("admin", "POST", url, json={"incident_id": world.incident_a,
                                                "customer_address": "東京都新宿区西新宿九丁目9番9号"})
    assert ok.status_code == 200, ok.text
    text = text_of(ok.content)
    assert "東京都新宿区西新宿九丁目9番9号" in text and "鈴木次郎殿" in text and "様様" not in text
    assert "前略" in text and "草々" in text and "ありがとうございます" not in text
    assert "当社新宿店へのお電話において" in text and "新宿店において（" not in text
    assert "2026年10月5日午前10時30分頃" in text
    # the customer contact point, never the staff desk
    assert "お客様相談室" in text and "0120-555-030" in text and "人事部相談窓口" not in text
    assert "出典" not in text and "知識ベース" not in text and "内容証明" in text


def test_generating_a_letter_without_a_customer_contact_point_is_refused(world: World) -> None:
    with world.app.state.session_factory() as session:
        company_settings.update(session=session, actor=None, changes={"customer_contact_name": ""})
        session.commit()
    r = world.call("admin", "POST", "/api/v1/documents/warning-letter",
                   json={"incident_id": world.incident_a, "customer_address": "東京都新宿区"})
    assert r.status_code == 422 and "customer_contact_name" in r.text


def test_approval_fills_the_signature_block_and_is_audited(world: World) -> None:
    before = text_of(world.call("admin", "POST", "/api/v1/documents/manual", json={}).content)
    assert "未承認" in before
    assert world.call("supervisor", "POST", "/api/v1/documents/manual/approvals",
                      json={"approver_title": "店長"}).status_code == 403
    assert world.call("admin", "POST", "/api/v1/documents/manual/approvals", json={"approver_title": " "}).status_code == 422
    r = world.call("admin", "POST", "/api/v1/documents/manual/approvals", json={"approver_title": "代表取締役"})
    assert r.status_code == 201 and r.json()["name"] == "admin"
    after = text_of(world.call("admin", "POST", "/api/v1/documents/manual", json={}).content)
    assert "承認者承認日代表取締役admin" in after and "未承認" not in after
    log = world.call("admin", "GET", "/api/v1/audit").json()
    items = log["items"] if isinstance(log, dict) else log
    assert any(e.get("action") == "document.approve" for e in items)
