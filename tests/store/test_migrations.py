"""Migrations and models agree, on SQLite and PostgreSQL (autogenerate finds nothing to do)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import kasuhara.store.models  # noqa: F401
from kasuhara.cli.main import main
from kasuhara.store.base import Base
from kasuhara.store.engine import make_engine
from kasuhara.store.migrate import alembic_config

CORE_TABLES = {
    "api_tokens", "audit_log", "company_settings", "customer_identifiers", "customers", "decisions", "evidence",
    "incident_behaviours", "incident_events", "incidents", "judgment_snapshots", "login_failures", "sites",
    "user_sites", "users", "web_sessions",
}


def _table_of(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    assert isinstance(item, tuple)
    for part in item[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(name, str) and name in Base.metadata.tables:
            return name
    return None


def test_upgrade_heads_matches_the_models(db_url: str) -> None:
    assert main(["db", "upgrade", "--database-url", db_url]) == 0
    engine = make_engine(db_url)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        assert tables >= CORE_TABLES
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    engine.dispose()
    ours = [d for d in diffs if _table_of(d) in CORE_TABLES or _table_of(d) is None]
    assert ours == []


def test_core_is_the_root_other_areas_branch_from() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    core = script.get_revision("0001_core")
    assert core is not None and core.down_revision is None
    assert list(script.get_bases()) == ["0001_core"]


def test_upgrade_is_idempotent(db_url: str) -> None:
    assert main(["db", "upgrade", "--database-url", db_url]) == 0
    assert main(["db", "upgrade", "--database-url", db_url]) == 0
