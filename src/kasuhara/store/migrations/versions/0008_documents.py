"""Documents branch (issue 8): training attempts, self-check answers, generated-document register.

Revision ID: 0008_documents
Revises: 0001_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_documents"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("documents",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_training_attempts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attempts")),
    )
    op.create_index("ix_training_attempts_user_module", "training_attempts", ["user_id", "module"])
    op.create_table(
        "selfcheck_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=60), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["answered_by"], ["users.id"], name=op.f("fk_selfcheck_answers_answered_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selfcheck_answers")),
        sa.UniqueConstraint("question_id", name=op.f("uq_selfcheck_answers_question_id")),
    )
    op.create_table(
        "generated_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("format", sa.String(length=4), nullable=False),
        sa.Column("size", sa.String(length=2), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("generated_by", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["generated_by"], ["users.id"], name=op.f("fk_generated_documents_generated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_documents")),
    )
    op.create_index("ix_generated_documents_kind", "generated_documents", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_generated_documents_kind", table_name="generated_documents")
    op.drop_table("generated_documents")
    op.drop_table("selfcheck_answers")
    op.drop_index("ix_training_attempts_user_module", table_name="training_attempts")
    op.drop_table("training_attempts")
