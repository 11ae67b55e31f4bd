"""Alembic environment: the URL comes from `kasuhara.store.migrate.alembic_config`."""

from __future__ import annotations

from alembic import context

import kasuhara.store.models  # noqa: F401  (fills Base.metadata)
from kasuhara.store.base import Base
from kasuhara.store.engine import make_engine

config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("no database URL: use kasuhara.store.migrate.alembic_config(url)")


def run_migrations_online() -> None:
    engine = make_engine(str(url))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
