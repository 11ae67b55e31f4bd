"""Typed application settings (環境設定).

Read from `KASUHARA_*` environment variables, optionally from a settings file (YAML, JSON or
TOML) named by `settings_file=` or `KASUHARA_SETTINGS_FILE`; the environment wins over the file.
Nothing is read at import: callers build `Settings()` (or `load_settings()`) when they start.
Outside development a missing or default secret key is refused, so a production instance never
runs with a key that is published in this repository.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.validation import read_mapping_file

if TYPE_CHECKING:
    from kasuhara.services.auth import LoginPolicy

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"
"""Used when no key is set in development; refused in production."""

MIN_SECRET_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12
PUBLISHED_ENCRYPTION_KEYS = frozenset({"development-only-encryption-key-do-not-use-in-production"})
"""Keys printed in this repository (the development default of the field cipher): never valid in production."""


def _check_strong(name: str, value: str) -> None:
    """A production key: at least 32 characters and not a run of a few repeated ones.

    Generate one with `python -c "import secrets; print(secrets.token_urlsafe(48))"`.
    """
    if len(value) < MIN_SECRET_LENGTH or len(set(value)) < MIN_DISTINCT_CHARACTERS:
        raise ValueError(
            f"{name} は{MIN_SECRET_LENGTH}文字以上のランダムな値にしてください "
            f"(例: python -c \"import secrets; print(secrets.token_urlsafe(48))\") / "
            f"{name} must be a random value of at least {MIN_SECRET_LENGTH} characters "
            f"(e.g. python -c \"import secrets; print(secrets.token_urlsafe(48))\")"
        )


class _FileSource(PydanticBaseSettingsSource):
    """Values from the settings file, below the environment in priority."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self._data = _read_settings_file(path) if path is not None else {}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


def _read_settings_file(path: Path) -> dict[str, Any]:
    data = read_mapping_file(path, field="settings_file", allow_empty=True)
    section = data.get("kasuhara", data)
    return dict(section) if isinstance(section, dict) else {}


class Settings(BaseSettings):
    """Everything the app, the CLI and the store need to start."""

    model_config = SettingsConfigDict(env_prefix="KASUHARA_", extra="ignore")

    settings_file: Path | None = None
    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./var")
    database_url: str = ""
    """Empty means `sqlite:///<data_dir>/kasuhara.db`."""
    secret_key: str = ""
    evidence_dir: Path | None = None
    """Empty means `<data_dir>/evidence`."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    evidence_orphan_grace_seconds: int = Field(default=120, ge=1)
    """An evidence file without a row is removed only when older than this (its upload is long over)."""
    evidence_sweep_interval_seconds: int = Field(default=300, ge=1)
    max_concurrent_logins: int = Field(default=2, ge=1)
    """Login requests that may hold a database session (and hash a password) at once; the rest wait."""
    max_db_sessions: int = Field(default=30, ge=1)
    """Requests holding a database session at once; the rest queue. Keep it below the 40 worker threads."""
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    """Largest request body of a route without a file upload (JSON, forms); refused with 413 before parsing."""
    max_login_body_bytes: int = Field(default=16 * 1024, ge=1024)
    """Largest body of the login and logout routes."""
    login_max_failures: int = Field(default=5, ge=1)
    """Failed logins per account *and source* before each further try waits 1, 2, 4 ... seconds."""
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    login_source_max_failures: int = Field(default=50, ge=1)
    """Failed logins from one source (any accounts) before logins from it must carry a proof of work."""
    login_pow_after_failures: int = Field(default=10, ge=1)
    """Failed logins of one account (all sources) before a login must carry a solved proof of work."""
    login_pow_bits: int = Field(default=16, ge=8, le=28)
    token_mint_login_age_seconds: int = Field(default=15 * 60, ge=60)
    """API tokens are created only from a browser session whose login is at most this old."""
    audit_key: str | None = None
    """Key of the audit chain's HMAC; empty means `<data_dir>/audit.key` (made on first start, mode 0600)."""
    audit_checkpoint_file: Path | None = None
    """Where signed checkpoints of the audit head go; empty means `<data_dir>/audit-checkpoints.jsonl`."""
    encryption_key: str | None = None
    """Field-level encryption key (used by the consultation and care records); optional."""
    session_cookie_name: str = "kasuhara_session"
    session_max_age_seconds: int = Field(default=8 * 3600, ge=60)
    session_cookie_secure: bool | None = None
    """None means: secure cookies in production, plain in development (http://127.0.0.1)."""
    company_settings_file: Path | None = None
    public_url: str = ""
    """The site's address for links in mail (e.g. password links), never taken from the request's Host."""
    """Optional YAML/JSON with a `thresholds:` section, applied by `kasuhara db upgrade`."""
    live_broker_url: str = ""
    """Live calls across several app processes: `redis://127.0.0.1:6379/0`; empty = in this process only."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        init_kwargs: dict[str, Any] = getattr(init_settings, "init_kwargs", {})
        raw = init_kwargs.get("settings_file") or os.environ.get("KASUHARA_SETTINGS_FILE")
        path = Path(raw) if raw else None
        return (init_settings, env_settings, dotenv_settings, _FileSource(settings_cls, path))

    @model_validator(mode="after")
    def _fill_and_check(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'kasuhara.db').as_posix()}"
        if self.evidence_dir is None:
            self.evidence_dir = self.data_dir / "evidence"
        if self.environment != "development":
            if not self.secret_key or self.secret_key == DEVELOPMENT_SECRET:
                raise ValueError(
                    "KASUHARA_SECRET_KEY を設定してください (本番環境では必須) / "
                    "set KASUHARA_SECRET_KEY: required outside development"
                )
            _check_strong("KASUHARA_SECRET_KEY", self.secret_key)
            if not self.encryption_key or self.encryption_key in PUBLISHED_ENCRYPTION_KEYS:
                raise ValueError(
                    "KASUHARA_ENCRYPTION_KEY を設定してください (本番環境では必須: 相談・ケア記録の暗号化に使います。"
                    "公開されている開発用の鍵は使えません) / set KASUHARA_ENCRYPTION_KEY: required outside "
                    "development to encrypt consultations and care notes (the published development key is refused)"
                )
            _check_strong("KASUHARA_ENCRYPTION_KEY", self.encryption_key)
            if self.audit_key:
                _check_strong("KASUHARA_AUDIT_KEY", self.audit_key)
        elif not self.secret_key:
            self.secret_key = DEVELOPMENT_SECRET
        return self

    @property
    def evidence_path(self) -> Path:
        """The evidence directory, always set after validation."""
        assert self.evidence_dir is not None
        return self.evidence_dir

    @property
    def audit_checkpoint_path(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"

    @property
    def cookie_secure(self) -> bool:
        if self.session_cookie_secure is not None:
            return self.session_cookie_secure
        return self.environment == "production"

    @property
    def login_policy(self) -> LoginPolicy:
        from kasuhara.services.auth import LoginPolicy

        return LoginPolicy(window_seconds=self.login_window_seconds, free_failures=self.login_max_failures,
                           source_max_failures=self.login_source_max_failures,
                           pow_after_failures=self.login_pow_after_failures, pow_bits=self.login_pow_bits)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning a validation failure into an `InputError` the CLI can print."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = [
            FieldProblem(
                ".".join(str(p) for p in err["loc"]) or "settings",
                Message(str(err["msg"]), str(err["msg"])),
            )
            for err in exc.errors()
        ]
        raise InputError(problems) from exc
