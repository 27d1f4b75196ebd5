"""Statutory holidays for a year chinese_calendar does not know (2031: no release will for years)."""

import datetime as dt

import pytest

from services.venues.domain.opening_hours import HolidayRule, Interval, WeeklySchedule, resolve_calendar
from services.venues.domain.statutory_calendar import (
    EnteredYear,
    StatutoryCalendarError,
    calendar_warnings,
    day_facts,
    differences,
    years_to_watch,
)

YEAR_2031 = EnteredYear(
    2031, holidays={dt.date(2031, 1, 1): "元旦", dt.date(2031, 1, 22): "春节"}, workdays={dt.date(2031, 1, 19): "春节"}
)
WEEK = WeeklySchedule({day: (Interval.parse("09:00-17:00"),) for day in range(7)})


def test_unknown_until_entered_then_the_entered_data():
    assert day_facts(dt.date(2031, 1, 1)).known is False
    facts = day_facts(dt.date(2031, 1, 1), {2031: YEAR_2031})
    assert (facts.known, facts.source, facts.holiday_name, facts.holiday_name_zh) == (
        True,
        "administrator",
        "New Year's Day",
        "元旦",
    )
    assert day_facts(dt.date(2031, 1, 19), {2031: YEAR_2031}).adjusted_workday_for == "Spring Festival"
    assert day_facts(dt.date(2031, 1, 2), {2031: YEAR_2031}).holiday_name is None


def test_the_resolved_calendar_uses_the_entered_year():
    plain = resolve_calendar(WEEK, [], HolidayRule.CLOSED, [], dt.date(2031, 1, 1), dt.date(2031, 1, 1))[0]
    assert plain.kind == "regular" and plain.calendar_known is False and plain.calendar_source is None
    day = resolve_calendar(
        WEEK, [], HolidayRule.CLOSED, [], dt.date(2031, 1, 1), dt.date(2031, 1, 1), {2031: YEAR_2031}
    )[0]
    assert day.kind == "statutory_holiday" and day.intervals == () and day.calendar_source == "administrator"


def test_the_library_wins_where_it_knows_the_year_and_differences_are_reported():
    mistyped = EnteredYear(2026, holidays={dt.date(2026, 10, 9): "国庆节"})
    assert day_facts(dt.date(2026, 10, 9), {2026: mistyped}).holiday_name is None  # the library says so
    found = differences(mistyped)
    assert any(line.startswith("2026-10-09: entered as a holiday") for line in found)
    assert any(line.startswith("2026-10-01: entered as no holiday") for line in found)
    assert differences(YEAR_2031) == []


def test_operator_warnings_from_october_of_the_year_before():
    assert years_to_watch(dt.date(2030, 9, 30)) == [2030]
    assert years_to_watch(dt.date(2030, 10, 1)) == [2030, 2031]
    assert calendar_warnings(dt.date(2030, 9, 30), {2030: EnteredYear(2030, {dt.date(2030, 1, 1): "元旦"})}) == []
    warned = calendar_warnings(dt.date(2030, 10, 1), {2030: EnteredYear(2030, {dt.date(2030, 1, 1): "元旦"})})
    assert len(warned) == 1 and "2031 are unknown" in warned[0]
    assert (
        calendar_warnings(
            dt.date(2030, 10, 1), {2030: EnteredYear(2030, {dt.date(2030, 1, 1): "元旦"}), 2031: YEAR_2031}
        )
        == []
    )


def test_entered_data_that_cannot_be_right():
    with pytest.raises(StatutoryCalendarError):
        EnteredYear(2031, holidays={dt.date(2032, 1, 1): "元旦"})
    with pytest.raises(StatutoryCalendarError):
        EnteredYear(2031, holidays={dt.date(2031, 1, 1): "元旦"}, workdays={dt.date(2031, 1, 20): "春节"})  # Monday
    with pytest.raises(StatutoryCalendarError):
        EnteredYear(2031, holidays={})
