"""The audit chain: intact after concurrent writers, and any edit or deletion is detected."""

from __future__ import annotations

import threading

import pytest
from casefile_db import Db
from sqlalchemy import delete, text, update

from kasuhara.cli.main import main
from kasuhara.services import audit
from kasuhara.store.models.audit import AuditEntry
from kasuhara.store.models.users import User


def _write(db: Db, n: int) -> None:
    with db.sessions() as session:
        actor = session.get(User, db.user_ids["admin"])
        for i in range(n):
            audit.record(session, actor=actor, action="test.write", target_type="thing", target_id=i,
                         detail={"i": i, "text": "日本語の詳細", "nested": {"b": 1, "a": [1.5, None]}})
            session.commit()


def test_chain_is_intact_even_with_concurrent_writers(db: Db) -> None:
    threads = [threading.Thread(target=_write, args=(db, 10)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with db.sessions() as session:
        report = audit.verify(session=session)
    assert report.ok and report.checked >= 40


def test_rolled_back_work_leaves_no_audit_row(db: Db) -> None:
    with db.sessions() as session:
        before = audit.verify(session=session).checked
        audit.record(session, actor=None, action="test.rolled_back", target_type="thing", target_id=1)
        session.rollback()
        session.commit()
        assert audit.verify(session=session).checked == before


@pytest.mark.parametrize("tamper", ["edit_detail", "edit_actor", "delete_row", "rehash_row"])
def test_tampering_is_detected_by_the_cli(db: Db, db_url: str, tamper: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _write(db, 5)
    assert main(["audit", "verify", "--database-url", db_url]) == 0
    with db.engine.begin() as conn:
        if tamper == "edit_detail":
            conn.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(detail={"i": 99}))
        elif tamper == "edit_actor":
            conn.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor_label="someone@else.jp"))
        elif tamper == "delete_row":
            conn.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
        else:  # recompute this row's own hash: the next row's link still breaks
            conn.execute(text("UPDATE audit_log SET hash = :h WHERE seq = 3"), {"h": "f" * 64})
    capsys.readouterr()
    assert main(["audit", "verify", "--database-url", db_url, "--lang", "en"]) == 1
    assert "TAMPERED" in capsys.readouterr().out
