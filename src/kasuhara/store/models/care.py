"""Employee care records: what happened to the employee, check-ins, support, follow-ups.

Notes are encrypted. Visible to the desk and the employee themself; a supervisor only when the
employee has chosen to share (`shared_with_supervisor`, off by default).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow

CARE_STATUSES = ("open", "closed")


class CareRecord(Base):
    __tablename__ = "care_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True, index=True
    )
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    opened_on: Mapped[date] = mapped_column(Date)
    what_happened_enc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    next_follow_up: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    shared_with_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CareCheckIn(Base):
    __tablename__ = "care_check_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("care_records.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20))
    note_enc: Mapped[str] = mapped_column(Text)
    next_follow_up: Mapped[date | None] = mapped_column(Date, nullable=True)


class CareSupport(Base):
    __tablename__ = "care_supports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("care_records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10), default="offered")
    offered_on: Mapped[date] = mapped_column(Date)
    note_enc: Mapped[str] = mapped_column(Text, default="")
