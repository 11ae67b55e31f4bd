"""Trust branch (issue 14): API tokens get an expiry, scopes and an optional site.

Tokens issued before this revision keep working for 30 days from the upgrade with every scope
they could use before (all of them), then expire; new ones are issued with the scopes asked for.

Revision ID: 0012_trust_tokens
Revises: 0001_core
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0012_trust_tokens"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("trust_tokens",)
depends_on: str | Sequence[str] | None = None

LEGACY_SCOPES = ("admin:read admin:write calls:read calls:write cases:read cases:write desk:read desk:write "
                 "documents:read documents:write")


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("scopes", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_api_tokens_site_id_sites", "sites", ["site_id"], ["id"], ondelete="CASCADE")
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime(timezone=True)), sa.column("scopes", sa.String))
    op.execute(tokens.update().values(expires_at=datetime.now(UTC) + timedelta(days=30), scopes=LEGACY_SCOPES))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint("fk_api_tokens_site_id_sites", type_="foreignkey")
        batch.drop_column("site_id")
        batch.drop_column("scopes")
        batch.drop_column("expires_at")
