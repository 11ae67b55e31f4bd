"""The company's settings: judgment thresholds and the profile documents need. One row (id 1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow


class CompanySettings(Base):
    __tablename__ = "company_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_name: Mapped[str] = mapped_column(String(200), default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    prefecture_code: Mapped[str | None] = mapped_column(String(2), nullable=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    desk_name: Mapped[str] = mapped_column(String(200), default="")
    desk_phone: Mapped[str] = mapped_column(String(50), default="")
    desk_email: Mapped[str] = mapped_column(String(254), default="")
    desk_hours: Mapped[str] = mapped_column(String(200), default="")
    desk_note: Mapped[str] = mapped_column(Text, default="")
    # documents profile (revision 0013_documents_profile)
    representative: Mapped[str] = mapped_column(String(200), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    customer_contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    customer_contact_phone: Mapped[str] = mapped_column(String(50), default="", server_default="")
    customer_contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    customer_contact_hours: Mapped[str] = mapped_column(String(200), default="", server_default="")
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=30)
    repeat_contacts: Mapped[int] = mapped_column(Integer, default=10)
    repeat_days: Mapped[int] = mapped_column(Integer, default=7)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
