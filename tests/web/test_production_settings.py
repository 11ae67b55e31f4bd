"""Production refuses weak keys, serves its API docs from the package, and sends security headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from casefile_world import World, build_world, world  # noqa: F401
from fastapi.testclient import TestClient
from pydantic import ValidationError

from kasuhara.cli.main import main
from kasuhara.config import Settings
from kasuhara.services.consultations import DEVELOPMENT_ENCRYPTION_KEY
from kasuhara.web.app import create_app

SECRET = "Zr8-Kq2vLm5xN9wP3tY7bC1dF4gH6jS0"
ENCRYPTION = "pW6n-Ha3tQ9zE2rY5uK8mX1cV4bN7sD0f"


@pytest.mark.parametrize(("key", "why"), [
    (None, "ENCRYPTION_KEY"),
    (DEVELOPMENT_ENCRYPTION_KEY, "ENCRYPTION_KEY"),
    ("0123456789abcdef", "ENCRYPTION_KEY"),  # 16 characters
    ("a" * 40, "ENCRYPTION_KEY"),  # long but not random
])
def test_production_refuses_a_missing_published_or_weak_encryption_key(tmp_path: Path, key: str | None,
                                                                       why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        Settings(environment="production", secret_key=SECRET, encryption_key=key, data_dir=tmp_path)


def test_production_starts_with_strong_keys(tmp_path: Path) -> None:
    settings = Settings(environment="production", secret_key=SECRET, encryption_key=ENCRYPTION, data_dir=tmp_path)
    assert settings.cookie_secure


def test_serve_refuses_to_start_naming_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KASUHARA_ENVIRONMENT", "production")
    monkeypatch.setenv("KASUHARA_SECRET_KEY", SECRET)
    monkeypatch.delenv("KASUHARA_ENCRYPTION_KEY", raising=False)
    monkeypatch.setenv("KASUHARA_DATA_DIR", str(tmp_path))
    assert main(["serve", "--no-upgrade"]) == 2
    err = capsys.readouterr().err
    assert "KASUHARA_ENCRYPTION_KEY" in err and "設定してください" in err and "required" in err


@pytest.fixture
def production(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(environment="production", secret_key=SECRET, encryption_key=ENCRYPTION, data_dir=tmp_path,
                        database_url=f"sqlite:///{tmp_path / 'k.db'}")
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client


def test_pages_carry_csp_no_framing_and_hsts_in_production(production: TestClient) -> None:
    r = production.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["strict-transport-security"].startswith("max-age=")
    cookies = r.headers.get_list("set-cookie")
    assert any(c.startswith("csrftoken=") and "Secure" in c for c in cookies), cookies
    r = production.get("/login?lang=en")
    assert any(c.startswith("lang=") and "Secure" in c for c in r.headers.get_list("set-cookie"))


def test_api_docs_come_from_the_package_not_a_cdn(production: TestClient) -> None:
    r = production.get("/docs")
    assert r.status_code == 200
    assert "cdn" not in r.text.lower() and "http" not in r.text.replace("http-equiv", "")
    for src in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/js/api_docs.js",
                "/static/vendor/swagger-ui/swagger-ui.css"):
        assert src in r.text
        if "vendor" not in src or Path(__file__).resolve().parents[2].joinpath("src/kasuhara/web/static", src[8:]).exists():
            assert production.get(src).status_code == 200
    assert production.get("/redoc").status_code == 404


def test_development_sends_no_hsts(world: World) -> None:  # noqa: F811
    r = world.client.get("/login")
    assert "strict-transport-security" not in r.headers and "content-security-policy" in r.headers
