"""Documents profile (issue 16): the company details a document prints, and document approvals.

The customer-facing contact point is its own setting (never the employees' consultation desk);
the representative and the head-office address go on letters and policies; an approval records
who approved which document kind and when, and only then is the signature block filled.

Revision ID: 0013_documents_profile
Revises: 0001_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_documents_profile"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("documents_profile",)
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("representative", 200), ("address", 300), ("customer_contact_name", 200), ("customer_contact_phone", 50),
    ("customer_contact_email", 254), ("customer_contact_hours", 200),
)


def upgrade() -> None:
    with op.batch_alter_table("company_settings") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))
    op.create_table(
        "document_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("approver_name", sa.String(length=200), nullable=False),
        sa.Column("approver_title", sa.String(length=200), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["approved_by"], ["users.id"], name=op.f("fk_document_approvals_approved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_approvals")),
    )
    op.create_index("ix_document_approvals_kind", "document_approvals", ["kind", "approved_at"])


def downgrade() -> None:
    op.drop_index("ix_document_approvals_kind", table_name="document_approvals")
    op.drop_table("document_approvals")
    with op.batch_alter_table("company_settings") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
