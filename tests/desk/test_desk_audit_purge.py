"""Personal data in audit entries (issue 14.12): entries hold ids; the purge redacts old ones and the
chain still verifies, while editing or hand-redacting an entry is still detected."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from deskkit import People, make_customer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kasuhara.services import audit, customers, privacy, users
from kasuhara.store.models.audit import AuditEntry

TODAY = date(2026, 12, 4)
PHONE = "03-0000-9999"


def _all_detail(session: Session) -> str:
    rows = session.execute(select(AuditEntry.action, AuditEntry.target_id, AuditEntry.detail)).all()
    return json.dumps([list(r) for r in rows], ensure_ascii=False)


def test_searches_and_user_changes_log_ids_not_terms_names_or_addresses(session: Session, people: People) -> None:
    make_customer(session, "電話の客", phone=PHONE)
    customers.search(session=session, actor=people.supervisor, q=PHONE)
    users.create(session=session, actor=people.admin, email="new.person@example.jp", display_name="新人 太郎",
                 role="staff", password="long-enough-password-1")
    users.update(session=session, actor=people.admin, user_id=people.staff.id, display_name="改名 花子")
    session.commit()
    logged = _all_detail(session)
    for secret in (PHONE, "0300009999", "new.person@example.jp", "新人 太郎", "改名 花子"):
        assert secret not in logged, secret


def test_purge_redacts_old_entries_and_the_chain_still_verifies(session: Session, people: People) -> None:
    stale = make_customer(session, "昔の顧客", phone=PHONE)
    stale.created_at = datetime(2019, 1, 1, tzinfo=UTC)
    session.flush()
    # Entries as the code before issue 14 wrote them (a search term, a name in a detail).
    audit.record(session, actor=people.supervisor, action="customer.search", target_type="customer", target_id="*",
                 detail={"q": PHONE, "results": 1})
    audit.record(session, actor=people.supervisor, action="customer.update", target_type="customer",
                 target_id=stale.id, detail={"display_name": "昔の顧客"})
    audit.record(session, actor=people.admin, action="site.create", target_type="site", target_id=1,
                 detail={"code": "A", "name": "新宿店"})  # not personal: stays
    session.commit()
    assert PHONE in _all_detail(session)

    counts = privacy.purge(session, today=TODAY)
    session.commit()
    assert counts["customers"] == 1 and counts["audit_entries_redacted"] == 2
    logged = _all_detail(session)
    assert PHONE not in logged and "昔の顧客" not in logged and "新宿店" in logged
    report = audit.verify(session=session)
    assert report.ok, report
    assert privacy.purge(session, today=TODAY)["audit_entries_redacted"] == 0  # nothing left to redact
    session.commit()
    assert audit.verify(session=session).ok


def test_a_redacted_entry_is_still_tamper_evident(session: Session, people: People) -> None:
    stale = make_customer(session, "昔の顧客", phone=PHONE)
    stale.created_at = datetime(2019, 1, 1, tzinfo=UTC)
    session.flush()
    audit.record(session, actor=people.supervisor, action="customer.search", target_type="customer", target_id="*",
                 detail={"q": PHONE, "results": 1})
    audit.record(session, actor=people.admin, action="incident.read", target_type="incident", target_id=5)
    session.commit()
    privacy.purge(session, today=TODAY)
    session.commit()
    redacted = session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.search")).one()
    seq = redacted.seq
    # Editing what a redacted row still shows (who searched) is detected ...
    session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(actor_id=people.admin.id))
    session.commit()
    report = audit.verify(session=session)
    assert not report.ok and report.broken_at is not None
    session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(actor_id=people.supervisor.id))
    session.commit()
    assert audit.verify(session=session).ok
    # ... and so is blanking an entry by hand, without the purge's record.
    other = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident.read")).one()
    session.execute(update(AuditEntry).where(AuditEntry.seq == other.seq).values(detail={"redacted": "by hand"}))
    session.commit()
    report = audit.verify(session=session)
    assert not report.ok and report.broken_at == other.seq
