"""Reply deadlines the company sets for the desk, counted in Japanese working days.

A consultation has a first-reply deadline (e.g. 2 working days after it arrived) and, once the
consulter adds something, a follow-up deadline. The desk sees what is due and what is overdue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kasuhara.desk.calendar import WorkingCalendar
from kasuhara.validation import positive_int_fields


@dataclass(frozen=True)
class TimeLimits:
    """Working days the desk has for a first reply and for answering each new message."""

    first_reply_working_days: int = 2
    follow_up_reply_working_days: int = 3
    care_follow_up_days: int = 14

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> TimeLimits:
        return cls(**positive_int_fields(data, allowed=("first_reply_working_days", "follow_up_reply_working_days", "care_follow_up_days"), prefix="time_limits"))


@dataclass(frozen=True)
class Deadline:
    """When a reply is due and whether it is late on `today`."""

    due: date
    overdue: bool
    working_days_left: int


def reply_deadline(
    *,
    waiting_since: date,
    limit_working_days: int,
    today: date,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """The deadline for a reply to something the consulter sent on `waiting_since`."""
    cal = calendar or WorkingCalendar()
    due = cal.add_working_days(waiting_since, limit_working_days)
    overdue = today > due
    left = 0 if overdue else cal.working_days_between(today, due)
    return Deadline(due=due, overdue=overdue, working_days_left=left)
