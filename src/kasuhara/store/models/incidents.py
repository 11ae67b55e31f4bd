"""Incidents (the case file), their timeline, and the behaviours of their latest judgment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kasuhara.knowledge.vocabulary import CHANNELS as _JUDGMENT_CHANNELS
from kasuhara.store.base import Base
from kasuhara.store.types import UTCDateTime, utcnow

CHANNELS = tuple(_JUDGMENT_CHANNELS)
"""The judgment's channel vocabulary, so an incident's channel is also its facts' channel."""


class Incident(Base):
    """`version` is checked on every UPDATE, so two writers never silently overwrite each other."""

    __tablename__ = "incidents"
    # Lists are filtered by site (always, for supervisors) and by status or determination, newest
    # first: these indexes serve both the page (in order, no sort) and the count (index only).
    __table_args__ = (
        Index("ix_incidents_site_occurred", "site_id", "occurred_at"),
        Index("ix_incidents_site_status_occurred", "site_id", "status", "occurred_at"),
        Index("ix_incidents_site_determination_occurred", "site_id", "determination", "occurred_at"),
        Index("ix_incidents_status_occurred", "status", "occurred_at"),
        Index("ix_incidents_reporter_occurred", "reporter_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True, index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="reported")
    determination: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class IncidentBehaviour(Base):
    """Behaviour ids found by the latest judgment, so lists can filter by behaviour on any database.

    `site_id` repeats the incident's site so that "this behaviour at this site" is one index range.
    """

    __tablename__ = "incident_behaviours"
    __table_args__ = (Index("ix_incident_behaviours_behaviour_site", "behaviour_id", "site_id"),)

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    behaviour_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))


class IncidentEvent(Base):
    """One line of the timeline: created, transition, judgment, decision, evidence, note, updated."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
