"""The case-file commands: db upgrade, users add (then the password works), errors as exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from kasuhara.cli.main import main
from kasuhara.services import auth
from kasuhara.store.engine import make_engine, make_session_factory


def test_users_add_then_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    monkeypatch.setenv("KASUHARA_DATABASE_URL", url)
    monkeypatch.setenv("KASUHARA_NEW_PASSWORD", "a-long-enough-password")
    assert main(["db", "upgrade"]) == 0
    assert main(["users", "add", "Boss@Example.JP", "--name", "社長", "--role", "admin"]) == 0
    assert "boss@example.jp" in capsys.readouterr().out
    assert main(["users", "add", "boss@example.jp", "--name", "x", "--role", "admin"]) == 2
    assert "登録済み" in capsys.readouterr().err
    assert main(["users", "add", "x@example.jp", "--name", "x", "--role", "staff", "--site", "NOPE"]) == 2
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        user = auth.authenticate(session=session, email="boss@example.jp", password="a-long-enough-password",
                                 client="test", secret_key="test-secret")
        assert user.role == "admin"
    engine.dispose()


def test_production_refuses_a_missing_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KASUHARA_ENVIRONMENT", "production")
    monkeypatch.delenv("KASUHARA_SECRET_KEY", raising=False)
    monkeypatch.setenv("KASUHARA_DATA_DIR", str(tmp_path))
    assert main(["db", "upgrade"]) == 2
    assert "SECRET_KEY" in capsys.readouterr().err
    assert main(["demo", "--no-serve"]) == 2
