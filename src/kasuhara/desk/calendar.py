"""Japanese working days: weekends plus national holidays (国民の祝日に関する法律), without network.

The holidays are rules as data (`FIXED`, `HAPPY_MONDAY`, one-off moves), each valid for a span of
years, plus the two derived rules of the Act: 振替休日 (Art. 3(2), a holiday on a Sunday moves to the
next day that is not a holiday) and 国民の休日 (Art. 3(3), a day between two holidays). The equinox
days use the standard astronomical approximation valid for 1980–2099; the Cabinet Office fixes them
in February of the year before, and they have matched this formula every year since 1980.
Asking for a year outside 2000–2099 is a loud error, never a silent guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.knowledge import Source, load_knowledge_base

FIRST_YEAR = 2000
LAST_YEAR = 2099


@dataclass(frozen=True)
class FixedRule:
    """A holiday on a fixed month and day, valid from `first` to `last` (years, inclusive)."""

    name_ja: str
    name_en: str
    month: int
    day: int
    first: int = FIRST_YEAR
    last: int = LAST_YEAR
    skip: tuple[int, ...] = ()


@dataclass(frozen=True)
class MondayRule:
    """A 'Happy Monday' holiday: the `nth` Monday of `month`."""

    name_ja: str
    name_en: str
    month: int
    nth: int
    first: int = FIRST_YEAR
    last: int = LAST_YEAR
    skip: tuple[int, ...] = ()


FIXED: tuple[FixedRule, ...] = (
    FixedRule("元日", "New Year's Day", 1, 1),
    FixedRule("建国記念の日", "National Foundation Day", 2, 11),
    FixedRule("天皇誕生日", "Emperor's Birthday", 2, 23, first=2020),
    FixedRule("天皇誕生日", "Emperor's Birthday", 12, 23, last=2018),
    FixedRule("みどりの日", "Greenery Day", 4, 29, last=2006),
    FixedRule("昭和の日", "Showa Day", 4, 29, first=2007),
    FixedRule("憲法記念日", "Constitution Memorial Day", 5, 3),
    FixedRule("みどりの日", "Greenery Day", 5, 4, first=2007),
    FixedRule("こどもの日", "Children's Day", 5, 5),
    FixedRule("山の日", "Mountain Day", 8, 11, first=2016, skip=(2020, 2021)),
    FixedRule("文化の日", "Culture Day", 11, 3),
    FixedRule("勤労感謝の日", "Labour Thanksgiving Day", 11, 23),
    # One-off moves and days (Olympic special measures act; the 2019 enthronement).
    FixedRule("海の日", "Marine Day", 7, 20, first=2000, last=2002),
    FixedRule("海の日", "Marine Day", 7, 23, first=2020, last=2020),
    FixedRule("スポーツの日", "Sports Day", 7, 24, first=2020, last=2020),
    FixedRule("山の日", "Mountain Day", 8, 10, first=2020, last=2020),
    FixedRule("海の日", "Marine Day", 7, 22, first=2021, last=2021),
    FixedRule("スポーツの日", "Sports Day", 7, 23, first=2021, last=2021),
    FixedRule("山の日", "Mountain Day", 8, 8, first=2021, last=2021),
    FixedRule("天皇の即位の日", "Enthronement Day", 5, 1, first=2019, last=2019),
    FixedRule("即位礼正殿の儀の行われる日", "Enthronement Ceremony", 10, 22, first=2019, last=2019),
)

HAPPY_MONDAY: tuple[MondayRule, ...] = (
    MondayRule("成人の日", "Coming of Age Day", 1, 2),
    MondayRule("海の日", "Marine Day", 7, 3, first=2003, skip=(2020, 2021)),
    MondayRule("敬老の日", "Respect for the Aged Day", 9, 3, first=2003),
    MondayRule("体育の日", "Health and Sports Day", 10, 2, last=2019),
    MondayRule("スポーツの日", "Sports Day", 10, 2, first=2022),
)


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            [
                FieldProblem(
                    "date",
                    Message(
                        f"祝日の計算は{FIRST_YEAR}年から{LAST_YEAR}年までです（{year}年）",
                        f"holidays are computed for {FIRST_YEAR}–{LAST_YEAR} only (got {year})",
                    ),
                )
            ]
        )


def _nth_monday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    offset = (0 - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (nth - 1))


def _equinoxes(year: int) -> tuple[date, date]:
    shift = 0.242194 * (year - 1980) - (year - 1980) // 4
    return date(year, 3, int(20.8431 + shift)), date(year, 9, int(23.2488 + shift))


@lru_cache(maxsize=256)
def holidays(year: int) -> dict[date, tuple[str, str]]:
    """Every national holiday of `year` with its Japanese and English name."""
    _check_year(year)
    days: dict[date, tuple[str, str]] = {}
    # 敬老の日 was 9/15 until 2002 (the Monday rule starts 2003).
    if year <= 2002:
        days[date(year, 9, 15)] = ("敬老の日", "Respect for the Aged Day")
    for rule in FIXED:
        if rule.first <= year <= rule.last and year not in rule.skip:
            days[date(year, rule.month, rule.day)] = (rule.name_ja, rule.name_en)
    for mrule in HAPPY_MONDAY:
        if mrule.first <= year <= mrule.last and year not in mrule.skip:
            days[_nth_monday(year, mrule.month, mrule.nth)] = (mrule.name_ja, mrule.name_en)
    spring, autumn = _equinoxes(year)
    days[spring] = ("春分の日", "Vernal Equinox Day")
    days[autumn] = ("秋分の日", "Autumnal Equinox Day")
    # 国民の休日: a weekday sandwiched between two holidays.
    for day in sorted(days):
        between = day + timedelta(days=1)
        after = day + timedelta(days=2)
        if after in days and between not in days and between.weekday() != 6:
            days[between] = ("国民の休日", "Citizens' Holiday")
    # 振替休日: a holiday on Sunday moves to the next day that is not a holiday.
    for day in sorted(days):
        if day.weekday() == 6:
            substitute = day + timedelta(days=1)
            if year < 2007 and substitute in days:
                continue  # before 2007 only the Monday itself could become the substitute
            while substitute in days:
                substitute += timedelta(days=1)
            days[substitute] = ("振替休日", "Substitute Holiday")
    return dict(sorted(days.items()))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days the company works: Monday–Friday minus national holidays and its own closed days.

    `closed_days` are (month, day) pairs closed every year, e.g. 年末年始 (12/29–1/3).
    """

    closed_days: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    extra_closed: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_year_end_closure(cls) -> WorkingCalendar:
        """The common Japanese company calendar: closed 12/29 to 1/3."""
        return cls(closed_days=frozenset({(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}))

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if day in holidays(day.year):
            return False
        return (day.month, day.day) not in self.closed_days and day not in self.extra_closed

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself does not count)."""
        if days < 0:
            raise ValueError("days must be non-negative")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def working_days(self, days: Iterable[date]) -> list[date]:
        return [d for d in days if self.is_working_day(d)]


def holiday_law_sources() -> tuple[Source, ...]:
    """Where the holiday rules come from, with their status (recorded in the knowledge base)."""
    return load_knowledge_base().text_sources["holiday_act"]
