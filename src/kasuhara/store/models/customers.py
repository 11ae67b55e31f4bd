"""Known customers and the identifiers (name, alias, phone, e-mail) that link their reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow

IDENTIFIER_KINDS = ("name", "alias", "phone", "email")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    identifiers: Mapped[list[CustomerIdentifier]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerIdentifier.id"
    )


class CustomerIdentifier(Base):
    """`normalized` is what matching compares (NFKC, no spaces, case-folded; phone digits only)."""

    __tablename__ = "customer_identifiers"
    __table_args__ = (
        UniqueConstraint("customer_id", "kind", "normalized", name="uq_customer_identifiers_value"),
        Index("ix_customer_identifiers_kind_normalized", "kind", "normalized"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(254))
    normalized: Mapped[str] = mapped_column(String(254))
    customer: Mapped[Customer] = relationship(back_populates="identifiers")
