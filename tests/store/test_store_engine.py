"""The embedded SQLite default: file under the data dir, foreign keys on, WAL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from kasuhara.config import DEVELOPMENT_SECRET, Settings
from kasuhara.store.engine import make_engine


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'k.db'}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
    assert (tmp_path / "nested" / "k.db").exists()


def test_settings_defaults_and_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KASUHARA_SECRET_KEY", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{(tmp_path / 'kasuhara.db').as_posix()}"
    assert settings.evidence_path == tmp_path / "evidence" and settings.port == 8000
    assert settings.secret_key == DEVELOPMENT_SECRET and not settings.cookie_secure
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET)
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key="short")
    prod = Settings(environment="production", secret_key="K7q2-Lm9vX4pR8sT1wZ6yB3nC5dF0gHj", encryption_key="e" + "Q4r7T1u9W3y5A8s2D6f0G4h7J1k3L5z")
    assert prod.cookie_secure


def test_settings_file_is_below_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kasuhara.yaml"
    path.write_text("port: 9001\nhost: 0.0.0.0\nmax_upload_bytes: 1234\n", encoding="utf-8")
    monkeypatch.setenv("KASUHARA_PORT", "9002")
    settings = Settings(settings_file=path)
    assert settings.port == 9002 and settings.host == "0.0.0.0" and settings.max_upload_bytes == 1234
