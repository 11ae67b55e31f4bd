"""The keyed audit chain and its checkpoints: truncation and rewriting are found, and where.

Before: deleting the newest rows, or editing a row and recomputing every later hash with the
published formula, passed `kasuhara audit verify`.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, update

import kasuhara.store.models  # noqa: F401
from kasuhara.cli.main import main
from kasuhara.config import Settings
from kasuhara.services import audit
from kasuhara.services.audit_seal import Seal
from kasuhara.store.base import Base
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.store.models.audit import AuditEntry


@dataclass
class Sealed:
    engine: Engine
    settings: Settings
    seal: Seal


def _write(engine: Engine, n: int, per_commit: int = 1) -> None:
    with make_session_factory(engine)() as session:
        for i in range(n):
            audit.record(session, actor=None, action="test.write", target_type="thing", target_id=i, detail={"i": i})
            if (i + 1) % per_commit == 0:
                session.commit()
        session.commit()


def _verify(s: Sealed) -> audit.ChainReport:
    with make_session_factory(s.engine)() as session:
        return audit.verify(session=session, seal=s.seal)


@pytest.fixture
def sealed(db_url: str, tmp_path: Path) -> Iterator[Sealed]:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    settings = Settings(database_url=db_url, data_dir=tmp_path)
    seal = audit.configure(engine, settings, create_key=True)
    assert seal is not None
    yield Sealed(engine, settings, seal)
    engine.dispose()


def _recompute_from(engine: Engine, seq: int, key: bytes | None) -> None:
    """What an attacker with database access does: rewrite the hashes from `seq` on."""
    with make_session_factory(engine)() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)).all()
        prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)) or "0" * 64
        for row in rows:
            row.prev_hash = prev
            row.hash = audit.entry_hash(seq=row.seq, at=row.at, actor_id=row.actor_id, actor_label=row.actor_label,
                                        action=row.action, target_type=row.target_type, target_id=row.target_id,
                                        detail=row.detail, prev_hash=prev, key=key)
            prev = row.hash
        session.commit()


def test_an_intact_keyed_chain_verifies(sealed: Sealed) -> None:
    _write(sealed.engine, 30, per_commit=3)
    report = _verify(sealed)
    assert report.ok and report.checked == 30


def test_deleting_the_newest_200_rows_is_found(sealed: Sealed) -> None:
    _write(sealed.engine, 260, per_commit=20)
    with sealed.engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq > 60))
    report = _verify(sealed)
    assert not report.ok and report.broken_at == 61 and "deleted" in report.reason


def test_editing_a_row_and_recomputing_with_the_published_formula_is_found(sealed: Sealed) -> None:
    _write(sealed.engine, 20)
    with sealed.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 7).values(detail={"i": "forged"}))
    _recompute_from(sealed.engine, 7, key=None)
    report = _verify(sealed)
    assert not report.ok and report.broken_at == 7 and "audit key" in report.reason


def test_even_with_the_key_a_rewrite_differs_from_the_checkpoints(sealed: Sealed) -> None:
    _write(sealed.engine, 20)
    with sealed.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(actor_label="someone-else"))
    _recompute_from(sealed.engine, 5, key=sealed.seal.key)
    report = _verify(sealed)
    assert not report.ok and "rewritten" in report.reason and report.broken_at is not None


def test_an_edited_checkpoint_file_is_found(sealed: Sealed) -> None:
    _write(sealed.engine, 5)
    path = sealed.settings.audit_checkpoint_path
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["seq"] = 3
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    report = _verify(sealed)
    assert not report.ok and "checkpoint" in report.reason


def test_the_key_file_is_private_and_not_in_the_database(sealed: Sealed) -> None:
    key_file = sealed.settings.data_dir / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sealed.seal.key == key_file.read_text().strip().encode()


def test_an_old_unkeyed_chain_is_sealed_on_upgrade_and_keyed_after(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    _write(engine, 10)  # before the key existed: the published SHA-256 formula
    engine.dispose()
    engine = make_engine(db_url)
    seal = audit.configure(engine, Settings(database_url=db_url, data_dir=tmp_path), create_key=True)
    assert seal is not None
    _write(engine, 10)
    with make_session_factory(engine)() as session:
        assert audit.verify(session=session, seal=seal).ok
    with engine.begin() as conn:  # rewrite the old part with the old formula: the seal shows it
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(detail={"i": "forged"}))
    _recompute_from(engine, 4, key=None)
    with make_session_factory(engine)() as session:
        report = audit.verify(session=session, seal=seal)
    assert not report.ok and report.broken_at is not None and report.broken_at <= 11
    engine.dispose()


def test_the_cli_names_where_rows_were_deleted(sealed: Sealed, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _write(sealed.engine, 12)
    monkeypatch.setenv("KASUHARA_DATA_DIR", str(sealed.settings.data_dir))
    monkeypatch.setenv("KASUHARA_DATABASE_URL", sealed.settings.database_url)
    assert main(["audit", "verify"]) == 0
    with sealed.engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq > 9))
    capsys.readouterr()
    assert main(["audit", "verify", "--lang", "en"]) == 1
    assert "seq 10" in capsys.readouterr().out
