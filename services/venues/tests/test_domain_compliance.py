import datetime as dt
import json

import pytest

from services.venues.domain.compliance import OpeningStandard, standard_for_level, weekly_compliance
from services.venues.domain.jiaping_seed import jiaping_centre, jiaping_schedule
from services.venues.domain.opening_hours import (
    DateException,
    HolidayRule,
    Interval,
    WeeklySchedule,
    iso_week_dates,
    resolve_calendar,
)


def week_days(week: str, *, schedule=None, rule=HolidayRule.BY_ARRANGEMENT, exceptions=()):
    dates = iso_week_dates(week)
    return resolve_calendar(schedule or jiaping_schedule(), exceptions, rule, [], dates[0], dates[-1])


def test_standards_per_level():
    town = standard_for_level("town")
    assert (town.min_weekly_hours, town.min_daily_hours, town.weekend_required) == (42.0, 4.0, True)
    assert standard_for_level("district") == town
    village = standard_for_level("village")
    assert (village.min_weekly_hours, village.min_daily_hours, village.weekend_required) == (35.0, 0.0, False)
    assert standard_for_level("village", village_weekly_hours=30).min_weekly_hours == 30
    with pytest.raises(ValueError, match="unknown venue level 'city'"):
        standard_for_level("city")


def test_standard_rejects_negative_hours():
    with pytest.raises(ValueError):
        OpeningStandard(min_weekly_hours=-1, min_daily_hours=0, weekend_required=False)


def test_jiaping_in_2026_w48_is_45_hours_and_compliant():
    report = weekly_compliance(week_days("2026-W48"), standard_for_level(jiaping_centre().level))
    assert report.week == "2026-W48"
    assert report.weekly_open_hours == 45.0
    assert report.compliant
    assert report.findings == ()
    assert report.open_days == 7
    assert report.weekend_open
    assert report.statutory_holidays == ()
    assert [day.open_hours for day in report.days] == [7.0] * 5 + [5.0] * 2

    as_dict = report.to_dict()
    json.dumps(as_dict)  # JSON-ready
    assert as_dict["dates"][0] == "2026-11-23"
    assert as_dict["weekly_open_hours"] == 45.0
    assert as_dict["compliant"] is True
    assert as_dict["open_days"] == 7


def test_national_day_week_by_arrangement_without_exceptions_is_not_compliant():
    report = weekly_compliance(week_days("2026-W40"), standard_for_level("town"))
    assert report.dates[0] == dt.date(2026, 9, 28)
    holidays = report.to_dict()["statutory_holidays"]
    assert [holiday["date"] for holiday in holidays] == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]
    assert {holiday["name"] for holiday in holidays} == {"National Day"}
    assert {holiday["name_zh"] for holiday in holidays} == {"国庆节"}
    assert all(holiday["open_hours"] == 0.0 for holiday in holidays)

    assert report.weekly_open_hours == 21.0
    assert not report.compliant
    assert not report.weekend_open
    codes = {finding.code for finding in report.findings}
    assert codes == {"weekly_hours_below_standard", "closed_at_weekend", "holiday_opening_not_arranged"}
    by_code = {finding["code"]: finding for finding in report.to_dict()["findings"]}
    assert "21" in by_code["weekly_hours_below_standard"]["message_en"]
    assert "42" in by_code["weekly_hours_below_standard"]["message_zh"]
    assert "国庆节" in by_code["holiday_opening_not_arranged"]["message_zh"]
    assert "National Day" in by_code["holiday_opening_not_arranged"]["message_en"]
    assert by_code["closed_at_weekend"]["dates"] == ["2026-10-03", "2026-10-04"]


def test_arranged_holiday_openings_make_the_national_day_week_compliant():
    festival_hours = (Interval.parse("9:00-12:00"), Interval.parse("14:00-18:00"))
    exceptions = [DateException(dt.date(2026, 10, day), festival_hours, "国庆活动") for day in range(1, 5)]
    report = weekly_compliance(week_days("2026-W40", exceptions=exceptions), standard_for_level("town"))
    assert report.weekly_open_hours == 49.0
    assert report.compliant
    assert all(holiday.open_hours == 7.0 for holiday in report.statutory_holidays)


def test_holiday_closed_by_rule_gets_its_own_finding():
    report = weekly_compliance(week_days("2026-W40", rule=HolidayRule.CLOSED), standard_for_level("town"))
    codes = {finding.code for finding in report.findings}
    assert "closed_on_statutory_holiday" in codes
    assert "holiday_opening_not_arranged" not in codes


def test_short_days_and_closed_weekend_are_reported_with_dates():
    short_week = WeeklySchedule(
        {
            **{weekday: (Interval.parse("8:00-17:00"),) for weekday in range(5)},
            5: (Interval.parse("9:00-12:00"),),
        }
    )
    report = weekly_compliance(week_days("2026-W48", schedule=short_week), standard_for_level("town"))
    assert report.weekly_open_hours == 48.0
    assert report.days_below_daily_minimum == (dt.date(2026, 11, 28),)
    assert not report.weekend_open
    findings = {finding.code: finding for finding in report.findings}
    assert set(findings) == {"day_below_daily_minimum", "closed_at_weekend"}
    assert findings["closed_at_weekend"].dates == (dt.date(2026, 11, 29),)


def test_village_standard_ignores_weekends_and_short_days():
    weekdays_only = WeeklySchedule({weekday: (Interval.parse("9:00-16:00"),) for weekday in range(5)})
    report = weekly_compliance(week_days("2026-W48", schedule=weekdays_only), standard_for_level("village"))
    assert report.weekly_open_hours == 35.0
    assert report.compliant


def test_compliance_needs_exactly_one_iso_week():
    days = week_days("2026-W48")
    with pytest.raises(ValueError, match="one ISO week"):
        weekly_compliance(days[1:], standard_for_level("town"))
    shifted = resolve_calendar(
        jiaping_schedule(), [], HolidayRule.OPEN, [], dt.date(2026, 11, 24), dt.date(2026, 11, 30)
    )
    with pytest.raises(ValueError, match="Monday to Sunday"):
        weekly_compliance(shifted, standard_for_level("town"))


def test_report_flags_weeks_outside_the_holiday_calendar():
    report = weekly_compliance(week_days("2031-W10"), standard_for_level("town"))
    assert report.calendar_known is False
    assert report.to_dict()["calendar_known"] is False
