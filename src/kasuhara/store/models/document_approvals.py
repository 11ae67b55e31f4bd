"""Approvals of generated documents: who approved which document kind and when.

A document's signature block is filled only from an approval made by a person in the app, so a
generated draft never looks signed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow


class DocumentApproval(Base):
    __tablename__ = "document_approvals"
    __table_args__ = (Index("ix_document_approvals_kind", "kind", "approved_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    approver_name: Mapped[str] = mapped_column(String(200))
    approver_title: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
