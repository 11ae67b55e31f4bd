"""Japanese holidays and working days against the Cabinet Office's published lists."""

from __future__ import annotations

from datetime import date

import pytest

from kasuhara.desk.calendar import WorkingCalendar, holidays
from kasuhara.errors import InputError

# 内閣府「国民の祝日について」 published lists.
CABINET_OFFICE = {
    2019: [
        "01-01", "01-14", "02-11", "03-21", "04-29", "04-30", "05-01", "05-02", "05-03", "05-04",
        "05-05", "05-06", "07-15", "08-11", "08-12", "09-16", "09-23", "10-14", "10-22", "11-03",
        "11-04", "11-23",
    ],
    2020: [
        "01-01", "01-13", "02-11", "02-23", "02-24", "03-20", "04-29", "05-03", "05-04", "05-05",
        "05-06", "07-23", "07-24", "08-10", "09-21", "09-22", "11-03", "11-23",
    ],
    2025: [
        "01-01", "01-13", "02-11", "02-23", "02-24", "03-20", "04-29", "05-03", "05-04", "05-05",
        "05-06", "07-21", "08-11", "09-15", "09-23", "10-13", "11-03", "11-23", "11-24",
    ],
    2026: [
        "01-01", "01-12", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06",
        "07-20", "08-11", "09-21", "09-22", "09-23", "10-12", "11-03", "11-23",
    ],
}


@pytest.mark.parametrize("year", sorted(CABINET_OFFICE))
def test_holidays_match_the_published_list(year: int) -> None:
    expected = [date.fromisoformat(f"{year}-{md}") for md in CABINET_OFFICE[year]]
    assert list(holidays(year)) == expected


def test_names_in_japanese_and_english() -> None:
    days = holidays(2026)
    assert days[date(2026, 9, 22)] == ("国民の休日", "Citizens' Holiday")
    assert days[date(2026, 5, 6)][0] == "振替休日"
    assert days[date(2026, 10, 12)][1] == "Sports Day"


def test_year_outside_range_is_a_loud_error() -> None:
    with pytest.raises(InputError):
        holidays(1999)


def test_two_working_days_skip_weekend_and_silver_week() -> None:
    cal = WorkingCalendar()
    # Friday 2026-09-18 + 2 working days: 19/20 weekend, 21–23 holidays -> Thu 24, Fri 25.
    assert cal.add_working_days(date(2026, 9, 18), 2) == date(2026, 9, 25)
    assert cal.add_working_days(date(2026, 11, 19), 2) == date(2026, 11, 24)  # 11/23 Monday holiday
    assert cal.working_days_between(date(2026, 9, 18), date(2026, 9, 25)) == 2


def test_year_end_closure_is_company_data() -> None:
    plain = WorkingCalendar()
    closed = WorkingCalendar.with_year_end_closure()
    assert plain.is_working_day(date(2026, 12, 29))
    assert not closed.is_working_day(date(2026, 12, 29))
    assert closed.add_working_days(date(2026, 12, 28), 1) == date(2027, 1, 4)


def test_the_holiday_law_is_a_recorded_source() -> None:
    from kasuhara.desk.calendar import holiday_law_sources

    sources = holiday_law_sources()
    assert any("国民の祝日に関する法律" in (s.article or "") and s.status == "V1" for s in sources)
