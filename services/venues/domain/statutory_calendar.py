"""Statutory holidays and adjusted working days (调休), from `chinese_calendar` or, for a year the
library does not know yet, from the State Council's notice as an administrator entered it (issue 17.2).

The State Council publishes each year's schedule in November/December; the library follows later.
Until it does, the administrator's data is used; once the library knows the year it wins, and the
places where the two differ are reported (the data may have been mistyped, or the notice amended).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Literal, Mapping

import chinese_calendar

SATURDAY = 5
WARN_FROM_MONTH = 10  # the operator is warned from October of the year before

CalendarSource = Literal["library", "administrator"]


class StatutoryCalendarError(ValueError):
    pass


def holiday_name_en(name_zh: str) -> str | None:
    """The library's English name of a holiday given by its Chinese name (元旦 → New Year's Day)."""
    for holiday in chinese_calendar.Holiday:
        if holiday.chinese == name_zh:
            return holiday.value
    return None


def holiday_name_zh(name: str | None) -> str | None:
    for holiday in chinese_calendar.Holiday:
        if holiday.value == name:
            return holiday.chinese
    return None


@dataclass(frozen=True)
class EnteredYear:
    """One year's schedule as entered from the notice: holiday dates and adjusted working days, each
    with the Chinese name of the holiday it belongs to."""

    year: int
    holidays: Mapping[dt.date, str]
    workdays: Mapping[dt.date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.holidays:
            raise StatutoryCalendarError(f"enter at least one holiday of {self.year}")
        for day in (*self.holidays, *self.workdays):
            if day.year != self.year:
                raise StatutoryCalendarError(f"{day} is not in {self.year}")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise StatutoryCalendarError(f"{both[0]} cannot be both a holiday and an adjusted working day")
        for day in self.workdays:
            if day.weekday() < SATURDAY:
                raise StatutoryCalendarError(
                    f"{day} is a weekday: an adjusted working day (调休) is a Saturday or "
                    f"Sunday worked instead of a holiday"
                )
        for day, name in (*self.holidays.items(), *self.workdays.items()):
            if not name.strip():
                raise StatutoryCalendarError(f"name the holiday {day} belongs to (e.g. 春节)")
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "workdays", MappingProxyType(dict(self.workdays)))


@dataclass(frozen=True)
class DayFacts:
    """What the statutory calendar says about one date."""

    known: bool
    source: CalendarSource | None = None
    holiday_name: str | None = None  # English (library) name, or the Chinese name if the library has none
    holiday_name_zh: str | None = None
    adjusted_workday_for: str | None = None  # set (possibly to '') for a weekend day that is a workday


@cache  # the installed library's data does not change while the process runs
def library_knows(year: int) -> bool:
    try:
        chinese_calendar.get_holiday_detail(dt.date(year, 1, 1))
        chinese_calendar.get_holiday_detail(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def _library_facts(day: dt.date) -> DayFacts | None:
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if is_holiday:
        # chinese_calendar also calls plain weekends holidays, but without a name: those stay weekends.
        return DayFacts(known=True, source="library", holiday_name=name, holiday_name_zh=holiday_name_zh(name))
    if day.weekday() >= SATURDAY:
        return DayFacts(known=True, source="library", adjusted_workday_for=name or "")
    return DayFacts(known=True, source="library")


def _entered_facts(day: dt.date, entered: EnteredYear) -> DayFacts:
    if day in entered.holidays:
        name_zh = entered.holidays[day]
        return DayFacts(
            known=True,
            source="administrator",
            holiday_name=holiday_name_en(name_zh) or name_zh,
            holiday_name_zh=name_zh,
        )
    if day in entered.workdays:
        name_zh = entered.workdays[day]
        return DayFacts(known=True, source="administrator", adjusted_workday_for=holiday_name_en(name_zh) or name_zh)
    return DayFacts(known=True, source="administrator")


def day_facts(day: dt.date, entered_years: Mapping[int, EnteredYear] = MappingProxyType({})) -> DayFacts:
    """The library when it knows the year, else the administrator's data for it, else unknown."""
    facts = _library_facts(day)
    if facts is not None:
        return facts
    entered = entered_years.get(day.year)
    if entered is not None:
        return _entered_facts(day, entered)
    return DayFacts(known=False)


def differences(entered: EnteredYear) -> list[str]:
    """Where the entered year disagrees with the library (empty while the library does not know it)."""
    if not library_knows(entered.year):
        return []
    found = []
    day = dt.date(entered.year, 1, 1)
    while day.year == entered.year:
        library = _library_facts(day)
        assert library is not None  # the library knows the year
        mine = _entered_facts(day, entered)
        if (library.holiday_name is not None) != (mine.holiday_name is not None):
            said = "a holiday" if mine.holiday_name else "no holiday"
            found.append(
                f"{day}: entered as {said}, the library says "
                f"{'a holiday (' + (library.holiday_name_zh or library.holiday_name or '') + ')' if library.holiday_name else 'no holiday'}"  # noqa: E501
            )
        elif (library.adjusted_workday_for is not None) != (mine.adjusted_workday_for is not None):
            said = "an adjusted working day" if mine.adjusted_workday_for is not None else "a day off"
            found.append(f"{day}: entered as {said}, the library says the opposite")
        day += dt.timedelta(days=1)
    return found


def years_to_watch(today: dt.date) -> list[int]:
    """This year, and from October on also the next one."""
    return [today.year, today.year + 1] if today.month >= WARN_FROM_MONTH else [today.year]


def calendar_warnings(today: dt.date, entered_years: Mapping[int, EnteredYear]) -> list[str]:
    """What the operator must hear: a year (this one, or from October the next) whose statutory
    holidays nobody knows, and entered years the library now contradicts."""
    warnings = []
    for year in years_to_watch(today):
        if not library_knows(year) and year not in entered_years:
            warnings.append(
                f"The statutory holidays of {year} are unknown: chinese_calendar has no data for "
                f"{year} and none has been entered. Enter them from the State Council's notice "
                f"(PUT /api/v1/statutory-calendar/{year}) or upgrade chinese-calendar."
            )
    for year in sorted(entered_years):
        found = differences(entered_years[year])
        if found:
            warnings.append(
                f"The entered holidays of {year} differ from chinese_calendar, which wins: "
                + "; ".join(found[:5])
                + (" …" if len(found) > 5 else "")
            )
    return warnings
