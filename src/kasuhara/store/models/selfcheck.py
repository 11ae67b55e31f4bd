"""Self-check answers, and a register of generated documents (the self-check's "is there a policy?")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow


class SelfCheckAnswer(Base):
    """The company's latest answer to one self-check question (one row per question)."""

    __tablename__ = "selfcheck_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(String(60), unique=True)
    answer: Mapped[str] = mapped_column(String(10))
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GeneratedDocument(Base):
    """A document generated in the web app: kind, language, format, who and when, and its hash."""

    __tablename__ = "generated_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    format: Mapped[str] = mapped_column(String(4))
    size: Mapped[str] = mapped_column(String(2), default="A4")
    incident_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    generated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
