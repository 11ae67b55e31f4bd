"""Live calls branch (issue 17): the calls screened while they happened, and their alert policy.

Revision ID: 0010_live_calls
Revises: 0001_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_live_calls"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("live",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_calls",
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("customer_status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=False),
        sa.Column("alerts_count", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_live_calls_site_id_sites")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_live_calls_customer_id_customers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_live_calls_incident_id_incidents"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["started_by"], ["users.id"], name=op.f("fk_live_calls_started_by_users")),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_live_calls")),
    )
    op.create_index(op.f("ix_live_calls_site_id"), "live_calls", ["site_id"])
    op.create_index(op.f("ix_live_calls_ended_at"), "live_calls", ["ended_at"])
    op.create_table(
        "live_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_live_policy_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_policy")),
    )


def downgrade() -> None:
    op.drop_table("live_policy")
    op.drop_index(op.f("ix_live_calls_ended_at"), table_name="live_calls")
    op.drop_index(op.f("ix_live_calls_site_id"), table_name="live_calls")
    op.drop_table("live_calls")
