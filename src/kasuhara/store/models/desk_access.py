"""Who may hold the desk role: grants confirmed by a second person, one-time password links, mail outbox.

The desk role opens every consultation and care record, so no single account may give it:
an admin (or the server's CLI when there is no desk yet) asks, and an existing desk member who is
neither the asker nor the person confirms. Passwords of desk members are never set by anyone but
themselves: a reset writes a one-time link into the outbox that the mail adapter delivers to the
member, and no API reads the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow

GRANT_CHANGES = ("grant", "revoke")
GRANT_STATUSES = ("pending", "confirmed", "refused", "done")


class DeskGrant(Base):
    """One change of who is on the desk: a pending or confirmed grant, a refusal, or a removal."""

    __tablename__ = "desk_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    change: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    via: Mapped[str] = mapped_column(String(10), default="web")


class PasswordReset(Base):
    """A one-time link's token, kept as its SHA-256 only; used once, then void."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class MailOutbox(Base):
    """Mail waiting for the mail adapter (or `kasuhara users outbox` on the server); no API reads it."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
