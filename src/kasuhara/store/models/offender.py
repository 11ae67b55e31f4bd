"""Repeat offenders: links between customer records, alerts, deterrence decisions, case studies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow

LINK_BASES = ("phone", "email", "confirmed")


class CustomerLink(Base):
    """Two customer records that are the same person (same phone/e-mail, or a supervisor confirmed)."""

    __tablename__ = "customer_links"
    __table_args__ = (UniqueConstraint("customer_id", "other_id", name="uq_customer_links_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    basis: Mapped[str] = mapped_column(String(10))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OffenderAlert(Base):
    """Raised once when a customer (with its linked records) reaches the company's threshold."""

    __tablename__ = "offender_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    events_count: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DeterrenceDecision(Base):
    """A deterrence step a person with authority decided: what, scope, why, who, until when."""

    __tablename__ = "deterrence_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    site_ids: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    proposed_rule: Mapped[str | None] = mapped_column(String(60), nullable=True)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    review_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    letter_text: Mapped[str] = mapped_column(Text, default="")
    police_reference: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CaseStudy(Base):
    """A closed case turned into anonymised training material; published only after a person reviewed it."""

    __tablename__ = "case_studies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    lessons: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
