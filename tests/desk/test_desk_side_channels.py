"""Side channels (issue 14.2): what admins and auditors see about consultations and care says nothing about a person.

The probes that identified consulters before: polling the stats shows a new consultation within a
second; `care.open {"employee_id": 7}` and `care.support {"kind": ...}` in the audit log; rows
whose order (SQLite rowid) or transaction id (PostgreSQL xmin) dates an anonymous consultation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from deskkit import KEY, People
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kasuhara.config import Settings
from kasuhara.desk.crypto import FieldCipher
from kasuhara.services import audit, care, consultations, desk_audit
from kasuhara.services.auth import hash_password
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.audit import AuditEntry
from kasuhara.store.models.users import User
from kasuhara.web.api.consultations import THROTTLE
from kasuhara.web.app import create_app

TODAY = date(2026, 12, 4)  # a Friday
PASSWORD = "correct horse battery staple"


def test_coarse_counts_cover_finished_weeks_and_months_and_hide_small_numbers(
    session: Session, people: People, cipher: FieldCipher
) -> None:
    def consult(on: date, n: int) -> None:
        for _ in range(n):
            consultations.start_anonymous(session, cipher=cipher, category="other", subject="s", content="c",
                                          passphrase="passphrase-1", today=on)

    consult(date(2026, 11, 9), 6)   # week of 11-09: 6
    consult(date(2026, 11, 17), 2)  # week of 11-16: 2 -> suppressed
    consult(TODAY, 3)               # this week and this month: not counted yet
    session.commit()
    stats = consultations.coarse_counts(session, today=TODAY)
    weeks = {w["week_of"]: w["received"] for w in stats["weeks"]}
    assert weeks["2026-11-09"] == 6 and weeks["2026-11-16"] == "<5" and weeks["2026-11-23"] == 0
    assert "2026-11-30" not in weeks and stats["weeks_until"] == "2026-11-30"
    months = {m["month"]: m["received"] for m in stats["months"]}
    assert months["2026-11"] == 8 and "2026-12" not in months and stats["months_until"] == "2026-12-01"
    assert "by_status" not in stats and "new" not in json.dumps(stats)


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(environment="development", data_dir=tmp_path, database_url=db_url,
                        secret_key="side-test-secret-key-0123456789abcdef", encryption_key=KEY)
    upgrade(db_url)
    app = create_app(settings)
    THROTTLE.reset()
    with TestClient(app) as c:
        c.app_state = app.state  # type: ignore[attr-defined]
        with app.state.session_factory() as s:
            for role, email in [("staff", "staff@example.jp"), ("desk", "desk@example.jp"),
                                ("admin", "admin@example.jp"), ("auditor", "auditor@example.jp")]:
                s.add(User(email=email, display_name=email, role=role, password_hash=hash_password(PASSWORD)))
            s.commit()
        yield c


def login(client: TestClient, email: str) -> dict[str, str]:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def test_polling_the_stats_does_not_show_a_new_consultation(client: TestClient) -> None:
    h = login(client, "auditor@example.jp")
    before = client.get("/api/v1/consultations/stats", headers=h).json()
    client.cookies.clear()
    r = client.post("/api/v1/consultations/anonymous", json={"subject": "s", "content": "c",
                                                             "passphrase": "passphrase-1"})
    assert r.status_code == 201
    h = login(client, "auditor@example.jp")
    assert client.get("/api/v1/consultations/stats", headers=h).json() == before
    h = login(client, "admin@example.jp")
    assert client.get("/api/v1/consultations/stats", headers=h).json() == before
    h = login(client, "desk@example.jp")
    assert client.get("/api/v1/consultations/stats", headers=h).json()["by_status"] == {"new": 1}


def test_care_audit_entries_name_no_employee_and_no_support_kind(
    session: Session, people: People, cipher: FieldCipher
) -> None:
    record = care.open_record(session, cipher=cipher, user=people.desk, employee_id=people.staff.id,
                              what_happened="眠れない", today=TODAY)
    care.offer_support(session, cipher=cipher, user=people.desk, record_id=record.id, kind="occupational_physician",
                       note="", today=TODAY)
    session.commit()
    care.read(session, cipher=cipher, user=people.staff, record_id=record.id, today=TODAY)  # the employee reads
    care.set_sharing(session, user=people.staff, record_id=record.id, share=True, cipher=cipher)
    care.list_records(session, user=people.staff, today=TODAY, cipher=cipher)
    session.commit()
    entries, _ = audit.list_entries(session=session, limit=100)
    care_entries = [e for e in entries if e.action.startswith("care.")]
    assert {e.action for e in care_entries} == {"care.open", "care.support", "care.read", "care.share", "care.list"}
    shown = json.dumps([[e.actor_id, e.actor_label, e.target_id, e.detail] for e in care_entries], ensure_ascii=False)
    assert "occupational_physician" not in shown and "employee_id" not in shown and "kind" not in shown
    assert people.staff.email not in shown
    assert all(e.actor_id in (None, people.desk.id) for e in care_entries)  # the employee's own reads: no actor
    # Every sealed detail has one length (the support kind's length does not show), and the desk can unseal it.
    assert len({len(e.detail["sealed"]) for e in care_entries}) == 1
    opened = next(e for e in care_entries if e.action == "care.open")
    assert desk_audit.unseal(cipher, opened.detail) == {"employee_id": people.staff.id}
    own_read = next(e for e in care_entries if e.action == "care.read")
    assert desk_audit.unseal(cipher, own_read.detail) == {"actor_id": people.staff.id}
    assert audit.verify(session=session).ok


def test_named_consultations_leave_no_timed_audit_entry(session: Session, people: People, cipher: FieldCipher) -> None:
    c = consultations.start_named(session, cipher=cipher, user=people.staff, category="other", subject="s",
                                  content="c", today=TODAY)
    consultations.add_consulter_message(session, cipher=cipher, consultation=c, body="b", today=TODAY)
    session.commit()
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("consultation.%"))).all() == []


def test_anonymous_rows_take_no_place_in_sqlites_row_order(session: Session, people: People,
                                                            cipher: FieldCipher) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("rowid order is SQLite's; PostgreSQL's xmin is covered by the restamp test")
    first = consultations.start_named(session, cipher=cipher, user=people.staff, category="other", subject="s",
                                      content="c", today=TODAY)
    anonymous = consultations.start_anonymous(session, cipher=cipher, category="other", subject="s", content="c",
                                              passphrase="passphrase-1", today=TODAY).consultation
    consultations.add_consulter_message(session, cipher=cipher, consultation=anonymous, body="b", today=TODAY)
    second = consultations.start_named(session, cipher=cipher, user=people.staff, category="other", subject="s",
                                       content="c", today=TODAY)
    session.commit()
    rowid = {i: r for i, r in session.execute(text("SELECT id, rowid FROM consultations"))}
    # Every row sits at a random place (before, each new row took the largest rowid plus one).
    assert all(r > 2**20 for r in rowid.values()), rowid
    assert abs(rowid[second.id] - rowid[anonymous.id]) > 1 and abs(rowid[anonymous.id] - rowid[first.id]) > 1
    message_rowid = session.execute(text("SELECT rowid FROM consultation_messages")).scalar_one()
    assert message_rowid > 2**20


def test_the_housekeeping_loop_replaces_the_transaction_id_of_anonymous_rows(
    session: Session, people: People, cipher: FieldCipher
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("xmin exists only on PostgreSQL")
    from kasuhara.store.engine import make_engine, make_session_factory
    from kasuhara.web.desk_housekeeping import restamp_once

    consultations.start_anonymous(session, cipher=cipher, category="other", subject="s", content="c",
                                  passphrase="passphrase-1", today=TODAY)
    session.commit()
    written = int(session.execute(text("SELECT xmin::text::bigint FROM consultations")).scalar_one())
    consultations.update_settings(session, user=people.admin, values={"alert_count": 4})  # a later, audited txn
    session.commit()
    audited = int(session.execute(text("SELECT max(xmin::text::bigint) FROM audit_log")).scalar_one())
    assert written < audited  # before: the row's xmin placed it before that audited moment
    session.close()
    engine = make_engine(str(session.get_bind().url.render_as_string(hide_password=False)))
    restamp_once(make_session_factory(engine), engine)
    engine.dispose()
    after = int(session.execute(text("SELECT xmin::text::bigint FROM consultations")).scalar_one())
    assert after > audited

