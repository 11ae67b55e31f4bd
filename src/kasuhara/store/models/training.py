"""Training completions and quiz scores, per user, so HR can show who has been trained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow


class TrainingAttempt(Base):
    """One graded quiz attempt; the module is completed by the first passed attempt."""

    __tablename__ = "training_attempts"
    __table_args__ = (Index("ix_training_attempts_user_module", "user_id", "module"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
