"""`kasuhara privacy purge|export` and `kasuhara desk holidays|scan` through the real CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from deskkit import KEY, People, make_customer, make_incident
from sqlalchemy.orm import Session

from kasuhara.cli.main import main
from kasuhara.config import Settings
from kasuhara.services import consultations
from kasuhara.store.models.customers import Customer


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASUHARA_ENCRYPTION_KEY", KEY)


def test_export_prints_everything_about_a_user(
    session: Session, people: People, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cipher = consultations.cipher_from_settings(Settings())
    consultations.start_named(session, cipher=cipher, user=people.staff, category="incident", subject="件名A",
                              content="内容B", today=date(2026, 10, 1))
    session.commit()
    out = tmp_path / "export.json"
    assert main(["privacy", "export", "--user", str(people.staff.id), "--database-url", db_url,
                 "--output", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["tables"]["consultations"][0]["content"] == "内容B"
    assert main(["privacy", "export", "--customer", "999999", "--database-url", db_url]) == 2
    assert "対象が見つかりません" in capsys.readouterr().err


def test_purge_deletes_and_leaves_no_trace_in_the_sqlite_file(
    session: Session, people: People, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = make_customer(session, "消える顧客ゼットワイ", phone="06-9999-0001")
    gone.created_at = datetime(2019, 1, 1, tzinfo=UTC)
    make_incident(session, reporter=people.staff, site=people.site_a, customer=gone, title="昔の事案",
                  when=datetime(2019, 1, 2, tzinfo=UTC))
    session.commit()
    gone_id = gone.id
    session.close()
    assert main(["privacy", "purge", "--database-url", db_url, "--today", "2026-10-01", "--lang", "en"]) == 0
    assert "customers 1" in capsys.readouterr().out
    assert session.get(Customer, gone_id) is None
    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        blob = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert "消える顧客ゼットワイ".encode() not in blob and b"06-9999-0001" not in blob


def test_holidays_and_scan(db_url: str, session: Session, people: People, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["desk", "holidays", "2026"]) == 0
    out = capsys.readouterr().out
    assert "2026-09-22  国民の休日" in out and out.count("\n") == 18
    assert main(["desk", "scan", "--database-url", db_url, "--lang", "en"]) == 0
    assert "new alerts: 0" in capsys.readouterr().out


def test_grant_desk_from_the_server_and_the_outbox(
    session: Session, people: People, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a desk already there, the CLI only files a request; the outbox prints the mail for the operator."""
    from sqlalchemy import select

    from kasuhara.services import desk_access
    from kasuhara.store.models.desk_access import DeskGrant

    assert main(["users", "grant-desk", people.staff.email, "--database-url", db_url, "--lang", "en"]) == 0
    assert "must confirm" in capsys.readouterr().out
    session.expire_all()
    grant = session.scalars(select(DeskGrant)).one()
    assert grant.status == "pending" and grant.via == "cli" and people.staff.role == "staff"
    desk_access.confirm_grant(session, actor=people.desk, grant_id=grant.id, base_url="https://k.example.jp")
    session.commit()
    session.close()
    assert main(["users", "outbox", "--database-url", db_url, "--mark-sent"]) == 0
    out = capsys.readouterr().out
    assert f"To: {people.staff.email}" in out and "https://k.example.jp/password-reset?token=" in out
    assert main(["users", "outbox", "--database-url", db_url]) == 0
    assert "To:" not in capsys.readouterr().out  # sent once
