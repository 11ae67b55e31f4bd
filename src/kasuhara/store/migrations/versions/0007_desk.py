"""Desk branch (issue 7): consultations and their messages, desk settings, care records with check-ins
and support, customer links, offender alerts, deterrence decisions and case studies.

Revision ID: 0007_desk
Revises: 0001_core
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_desk"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("desk",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "desk_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_reply_working_days", sa.Integer(), nullable=False),
        sa.Column("follow_up_reply_working_days", sa.Integer(), nullable=False),
        sa.Column("care_follow_up_days", sa.Integer(), nullable=False),
        sa.Column("year_end_closure", sa.Boolean(), nullable=False),
        sa.Column("alert_count", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("ban_review_days", sa.Integer(), nullable=False),
        sa.Column("retention_consultation_days", sa.Integer(), nullable=False),
        sa.Column("retention_care_days", sa.Integer(), nullable=False),
        sa.Column("retention_customer_days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_desk_settings_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_settings")),
    )
    op.create_table(
        "customer_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=10), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["users.id"], name=op.f("fk_customer_links_confirmed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_links_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["customers.id"],
            name=op.f("fk_customer_links_other_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_links")),
        sa.UniqueConstraint("customer_id", "other_id", name="uq_customer_links_pair"),
    )
    with op.batch_alter_table("customer_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_links_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_links_other_id"), ["other_id"], unique=False)

    op.create_table(
        "deterrence_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("site_ids", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_rule", sa.String(length=60), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("contact_user_id", sa.Integer(), nullable=True),
        sa.Column("letter_text", sa.Text(), nullable=False),
        sa.Column("police_reference", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_user_id"], ["users.id"], name=op.f("fk_deterrence_decisions_contact_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_deterrence_decisions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_deterrence_decisions_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by"], ["users.id"], name=op.f("fk_deterrence_decisions_lifted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deterrence_decisions")),
    )
    with op.batch_alter_table("deterrence_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deterrence_decisions_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "offender_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("events_count", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"], ["users.id"], name=op.f("fk_offender_alerts_acknowledged_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_offender_alerts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offender_alerts")),
    )
    with op.batch_alter_table("offender_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offender_alerts_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "care_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("what_happened_enc", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("next_follow_up", sa.Date(), nullable=True),
        sa.Column("shared_with_supervisor", sa.Boolean(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["users.id"], name=op.f("fk_care_records_employee_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_care_records_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name=op.f("fk_care_records_opened_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_records")),
    )
    with op.batch_alter_table("care_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_records_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_records_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_records_next_follow_up"), ["next_follow_up"], unique=False)

    op.create_table(
        "case_studies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_incident_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_case_studies_created_by_users")),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["users.id"], name=op.f("fk_case_studies_reviewed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["source_incident_id"],
            ["incidents.id"],
            name=op.f("fk_case_studies_source_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_studies")),
    )
    op.create_table(
        "consultations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("consulter_id", sa.Integer(), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=True),
        sa.Column("passphrase_hash", sa.String(length=255), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.Date(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("subject_enc", sa.Text(), nullable=False),
        sa.Column("content_enc", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("waiting_since", sa.Date(), nullable=True),
        sa.Column("first_replied_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_to"], ["users.id"], name=op.f("fk_consultations_assigned_to_users")
        ),
        sa.ForeignKeyConstraint(
            ["consulter_id"],
            ["users.id"],
            name=op.f("fk_consultations_consulter_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_consultations_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_consultations_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_consultations_key_hash")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultations_consulter_id"), ["consulter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_received_on"), ["received_on"], unique=False)

    op.create_table(
        "care_check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note_enc", sa.Text(), nullable=False),
        sa.Column("next_follow_up", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_care_check_ins_by_id_users")),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["care_records.id"],
            name=op.f("fk_care_check_ins_record_id_care_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_check_ins")),
    )
    with op.batch_alter_table("care_check_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_check_ins_record_id"), ["record_id"], unique=False)

    op.create_table(
        "care_supports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("offered_on", sa.Date(), nullable=False),
        sa.Column("note_enc", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["care_records.id"],
            name=op.f("fk_care_supports_record_id_care_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_supports")),
    )
    with op.batch_alter_table("care_supports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_supports_record_id"), ["record_id"], unique=False)

    op.create_table(
        "consultation_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("consultation_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("body_enc", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_consultation_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_messages_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_messages")),
        sa.UniqueConstraint("consultation_id", "seq", name="uq_consultation_messages_seq"),
    )
    with op.batch_alter_table("consultation_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_messages_consultation_id"), ["consultation_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("consultation_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_messages_consultation_id"))

    op.drop_table("consultation_messages")
    with op.batch_alter_table("care_supports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_supports_record_id"))

    op.drop_table("care_supports")
    with op.batch_alter_table("care_check_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_check_ins_record_id"))

    op.drop_table("care_check_ins")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultations_received_on"))
        batch_op.drop_index(batch_op.f("ix_consultations_incident_id"))
        batch_op.drop_index(batch_op.f("ix_consultations_customer_id"))
        batch_op.drop_index(batch_op.f("ix_consultations_consulter_id"))

    op.drop_table("consultations")
    op.drop_table("case_studies")
    with op.batch_alter_table("care_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_records_next_follow_up"))
        batch_op.drop_index(batch_op.f("ix_care_records_incident_id"))
        batch_op.drop_index(batch_op.f("ix_care_records_employee_id"))

    op.drop_table("care_records")
    with op.batch_alter_table("offender_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offender_alerts_customer_id"))

    op.drop_table("offender_alerts")
    with op.batch_alter_table("deterrence_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deterrence_decisions_customer_id"))

    op.drop_table("deterrence_decisions")
    with op.batch_alter_table("customer_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_links_other_id"))
        batch_op.drop_index(batch_op.f("ix_customer_links_customer_id"))

    op.drop_table("customer_links")
    op.drop_table("desk_settings")
