"""Opening hours per ISO week against the standard, from published hours (pure)."""

from __future__ import annotations

from datetime import date, datetime

from services.reports.domain.opening import ExceptionRecord, HoursVersion, day_hours, venue_weeks
from services.reports.domain.periods import parse_period

TOWN = dict(min_weekly_hours=42.0, min_daily_hours=4.0, weekend_required=True, holidays_required=True)
FULL = {
    day: ["09:00-12:00", "14:00-18:00"] for day in ("tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def version(effective: date, weekly=FULL, rule="open") -> HoursVersion:
    return HoursVersion("v", effective, weekly, rule, TOWN)


def test_a_full_week_meets_the_town_standard_and_a_closed_day_or_a_closure_does_not():
    march = parse_period("2026-03")
    weeks = venue_weeks(march, [version(date(2026, 1, 1))], [], [])
    assert (weeks.weeks, weeks.weeks_compliant) == (5, 5)  # Mondays 2, 9, 16, 23, 30
    closed_tuesday = [ExceptionRecord("v", date(2026, 3, 10), ())]
    assert venue_weeks(march, [version(date(2026, 1, 1))], closed_tuesday, []).weeks_compliant == 4
    # A closure from Saturday 10:00 to 16:00 leaves 09:00-10:00 and 16:00-18:00: a 3 h day, below 4 h.
    closure = [(datetime(2026, 3, 14, 10), datetime(2026, 3, 14, 16))]
    assert day_hours(date(2026, 3, 14), [version(date(2026, 1, 1))], {}, closure)[0] == 3
    assert venue_weeks(march, [version(date(2026, 1, 1))], [], closure).weeks_compliant == 4


def test_holidays_and_adjusted_working_days_follow_the_rule_and_unknown_hours_are_not_weeks():
    versions = [version(date(2026, 1, 1))]
    # 2026-10-01 (Thursday, National Day): rule "open" gives Saturday's hours; rule "closed" closes it.
    assert day_hours(date(2026, 10, 1), versions, {}, [])[:2] == (7.0, True)
    assert day_hours(date(2026, 10, 1), [version(date(2026, 1, 1), rule="closed")], {}, [])[0] == 0
    # 2026-09-20 (Sunday) is worked for National Day: Monday's hours, here none — the weekend is not open.
    assert day_hours(date(2026, 9, 20), versions, {}, [])[0] == 0
    september = venue_weeks(parse_period("2026-09"), versions, [], [])
    assert september.weeks == 4 and september.weeks_compliant == 3  # the week of 14 September
    # Hours published from 11 March: the first two weeks of March are not counted, their days not open.
    late = venue_weeks(parse_period("2026-03"), [version(date(2026, 3, 11))], [], [])
    assert late.weeks == 3 and late.open_hours == 18 * 7  # 11-31 March less three Mondays
