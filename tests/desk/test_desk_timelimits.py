from __future__ import annotations

from datetime import date

import pytest

from kasuhara.desk.timelimits import TimeLimits, reply_deadline
from kasuhara.errors import InputError


def test_first_reply_within_two_working_days_becomes_overdue() -> None:
    received = date(2026, 10, 2)  # Friday
    on_time = reply_deadline(waiting_since=received, limit_working_days=2, today=date(2026, 10, 6))
    assert on_time.due == date(2026, 10, 6)
    assert not on_time.overdue
    late = reply_deadline(waiting_since=received, limit_working_days=2, today=date(2026, 10, 7))
    assert late.overdue and late.working_days_left == 0


def test_time_limits_validate_input() -> None:
    assert TimeLimits.from_mapping({"first_reply_working_days": 1}).first_reply_working_days == 1
    with pytest.raises(InputError) as info:
        TimeLimits.from_mapping({"first_reply_working_days": 0, "x": 1})
    fields = {p.field for p in info.value.problems}
    assert fields == {"time_limits.first_reply_working_days", "time_limits.x"}
