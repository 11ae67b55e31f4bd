"""Consultations (相談) to the desk, their messages, and the desk's settings.

Anonymity is built into the shape of these tables: ids are random UUIDs (no sequence to order
them against other tables), every date a consulter causes is a calendar day (never a time of day
that server logs could match), an anonymous consultation holds no user id, only the SHA-256 of its
report key and the argon2 hash of the passphrase, and content is encrypted (`*_enc`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime

CONSULTATION_KINDS = ("named", "anonymous")
CATEGORIES = ("incident", "unsure", "care", "other")
STATUSES = ("new", "answered", "waiting", "closed")
AUTHORS = ("consulter", "desk")
MESSAGE_KINDS = ("message", "reply", "question", "internal")


def new_uuid() -> str:
    return str(uuid.uuid4())


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(String(10))
    consulter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    passphrase_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    category: Mapped[str] = mapped_column(String(20))
    subject_enc: Mapped[str] = mapped_column(Text)
    content_enc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="new")
    received_on: Mapped[date] = mapped_column(Date, index=True)
    waiting_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    first_replied_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True, index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class ConsultationMessage(Base):
    """One message in the thread; a consulter's message has no author id and only a date."""

    __tablename__ = "consultation_messages"
    __table_args__ = (UniqueConstraint("consultation_id", "seq", name="uq_consultation_messages_seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    consultation_id: Mapped[str] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(10), default="message")
    body_enc: Mapped[str] = mapped_column(Text)
    sent_on: Mapped[date] = mapped_column(Date)


class DeskSettings(Base):
    """The company's desk rules (one row, id 1): reply limits, repeat-offender threshold, retention."""

    __tablename__ = "desk_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_reply_working_days: Mapped[int] = mapped_column(Integer, default=2)
    follow_up_reply_working_days: Mapped[int] = mapped_column(Integer, default=3)
    care_follow_up_days: Mapped[int] = mapped_column(Integer, default=14)
    year_end_closure: Mapped[bool] = mapped_column(Boolean, default=True)
    alert_count: Mapped[int] = mapped_column(Integer, default=3)
    window_days: Mapped[int] = mapped_column(Integer, default=365)
    ban_review_days: Mapped[int] = mapped_column(Integer, default=180)
    retention_consultation_days: Mapped[int] = mapped_column(Integer, default=3 * 365)
    retention_care_days: Mapped[int] = mapped_column(Integer, default=3 * 365)
    retention_customer_days: Mapped[int] = mapped_column(Integer, default=3 * 365)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
