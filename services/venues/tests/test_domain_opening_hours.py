import datetime as dt

import pytest

from services.venues.domain.jiaping_seed import jiaping_schedule
from services.venues.domain.opening_hours import (
    Closure,
    DateException,
    HolidayRule,
    Interval,
    ResolvedDay,
    ScheduleError,
    WeeklySchedule,
    format_weekly_schedule_zh,
    is_open_at,
    iso_week_dates,
    iso_week_label,
    open_interval_containing,
    resolve_calendar,
    weekly_open_hours,
)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def resolve_one(day: dt.date, *, exceptions=(), rule=HolidayRule.BY_ARRANGEMENT, closures=()) -> ResolvedDay:
    (resolved,) = resolve_calendar(jiaping_schedule(), exceptions, rule, closures, day, day)
    return resolved


# ---- intervals and the weekly template --------------------------------------------------------


def test_interval_parses_the_published_notation_and_knows_its_length():
    interval = Interval.parse("9:00-12:00")
    assert interval == Interval(t("09:00"), t("12:00"))
    assert interval.hours == 3.0
    assert str(interval) == "09:00-12:00"


@pytest.mark.parametrize("text", ["9-12", "25:00-26:00", "nine to twelve"])
def test_interval_parse_rejects_unreadable_text(text):
    with pytest.raises(ScheduleError):
        Interval.parse(text)


def test_interval_must_start_before_it_ends():
    with pytest.raises(ScheduleError, match="must start before it ends"):
        Interval(t("12:00"), t("09:00"))
    with pytest.raises(ScheduleError):
        Interval(t("09:00"), t("09:00"))


def test_schedule_rejects_overlapping_intervals_with_a_clear_message():
    with pytest.raises(ScheduleError, match="Monday: 09:00-12:00 overlaps 11:00-13:00"):
        WeeklySchedule({0: (Interval.parse("9:00-12:00"), Interval.parse("11:00-13:00"))})


def test_schedule_rejects_touching_intervals_and_suggests_one():
    with pytest.raises(ScheduleError, match="09:00-14:00"):
        WeeklySchedule({2: (Interval.parse("9:00-12:00"), Interval.parse("12:00-14:00"))})


def test_schedule_rejects_unknown_weekdays():
    with pytest.raises(ScheduleError, match="0 \\(Monday\\) to 6"):
        WeeklySchedule({7: (Interval.parse("9:00-12:00"),)})


def test_schedule_sorts_intervals_and_closes_days_left_out():
    schedule = WeeklySchedule({0: (Interval.parse("14:00-18:00"), Interval.parse("9:00-12:00"))})
    assert schedule.intervals_on(0) == (Interval.parse("9:00-12:00"), Interval.parse("14:00-18:00"))
    assert schedule.intervals_on(6) == ()


def test_jiaping_template_is_45_hours_a_week():
    assert weekly_open_hours(jiaping_schedule()) == 45.0


def test_template_formats_as_the_public_notice_writes_it():
    assert format_weekly_schedule_zh(jiaping_schedule()) == (
        "周一至周五9:00-12:00、14:00-18:00；周六至周日9:30-11:30、14:30-17:30"
    )


# ---- ISO weeks --------------------------------------------------------------------------------


def test_iso_week_dates_run_monday_to_sunday():
    dates = iso_week_dates("2026-W48")
    assert dates[0] == dt.date(2026, 11, 23) and dates[-1] == dt.date(2026, 11, 29)
    assert len(dates) == 7
    assert iso_week_label(dt.date(2026, 11, 26)) == "2026-W48"


@pytest.mark.parametrize("bad", ["2026-48", "2026-W4", "W48-2026", "", "2026-W00"])
def test_iso_week_dates_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        iso_week_dates(bad)


def test_iso_week_dates_knows_which_years_have_week_53():
    assert iso_week_dates("2026-W53")[0] == dt.date(2026, 12, 28)
    with pytest.raises(ValueError, match="2025 has no ISO week 53"):
        iso_week_dates("2025-W53")


# ---- resolving dates --------------------------------------------------------------------------


def test_ordinary_weekday_and_weekend_use_the_template():
    tuesday = resolve_one(dt.date(2026, 11, 24))
    saturday = resolve_one(dt.date(2026, 11, 28))
    assert tuesday.kind == "regular" and tuesday.open_hours == 7.0
    assert saturday.kind == "regular" and saturday.open_hours == 5.0
    assert saturday.intervals == (Interval.parse("9:30-11:30"), Interval.parse("14:30-17:30"))
    assert saturday.holiday_name is None  # chinese_calendar calls it a holiday, but it is only a weekend
    assert tuesday.calendar_known


def test_statutory_holiday_by_arrangement_is_closed_and_flagged():
    national_day = resolve_one(dt.date(2026, 10, 1))
    assert national_day.kind == "statutory_holiday"
    assert national_day.holiday_name == "National Day"
    assert national_day.holiday_name_zh == "国庆节"
    assert national_day.by_arrangement is True
    assert national_day.intervals == ()
    assert "按活动组织要求开放" in national_day.note


def test_statutory_holiday_open_uses_saturday_hours():
    day = resolve_one(dt.date(2026, 10, 1), rule=HolidayRule.OPEN)
    assert day.kind == "statutory_holiday"
    assert day.intervals == jiaping_schedule().intervals_on(5)
    assert day.by_arrangement is False


def test_statutory_holiday_closed_rule():
    day = resolve_one(dt.date(2026, 10, 1), rule=HolidayRule.CLOSED)
    assert day.intervals == () and day.kind == "statutory_holiday" and not day.by_arrangement


def test_exception_opens_a_by_arrangement_holiday():
    opening = DateException(dt.date(2026, 10, 1), (Interval.parse("9:00-17:00"),), "国庆文艺汇演")
    day = resolve_one(dt.date(2026, 10, 1), exceptions=[opening])
    assert day.kind == "exception"
    assert day.open_hours == 8.0
    assert day.note == "国庆文艺汇演"
    assert day.holiday_name == "National Day" and day.by_arrangement


def test_exception_without_intervals_closes_a_regular_day():
    day = resolve_one(dt.date(2026, 11, 24), exceptions=[DateException(dt.date(2026, 11, 24), (), "设备检修")])
    assert day.kind == "exception" and not day.is_open and day.note == "设备检修"


def test_two_exceptions_for_one_date_are_refused():
    same_day = dt.date(2026, 11, 24)
    with pytest.raises(ScheduleError, match="two exceptions"):
        resolve_one(same_day, exceptions=[DateException(same_day), DateException(same_day)])


def test_adjusted_working_saturday_uses_monday_hours():
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休).
    day = resolve_one(dt.date(2026, 10, 10))
    assert day.kind == "adjusted_workday"
    assert day.intervals == jiaping_schedule().intervals_on(0)
    assert day.open_hours == 7.0
    assert "国庆节" in day.note
    assert day.holiday_name is None


def test_exception_beats_adjusted_workday():
    day = resolve_one(dt.date(2026, 10, 10), exceptions=[DateException(dt.date(2026, 10, 10), (), "闭馆")])
    assert day.kind == "exception" and not day.is_open


def test_dates_outside_the_calendar_fall_back_to_the_template():
    day = resolve_one(dt.date(2031, 10, 1))  # a Wednesday the installed calendar does not know yet
    assert day.calendar_known is False
    assert day.kind == "regular"
    assert day.open_hours == 7.0


def test_resolve_calendar_covers_the_range_inclusive_and_checks_its_order():
    days = resolve_calendar(jiaping_schedule(), [], HolidayRule.OPEN, [], dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert [day.date for day in days] == iso_week_dates("2026-W48")
    with pytest.raises(ValueError, match="before start date"):
        resolve_calendar(jiaping_schedule(), [], HolidayRule.OPEN, [], dt.date(2026, 11, 29), dt.date(2026, 11, 23))


# ---- closures ---------------------------------------------------------------------------------


def test_partial_day_closure_removes_only_the_closed_span():
    closure = Closure(dt.datetime(2026, 11, 24, 10, 0), dt.datetime(2026, 11, 24, 15, 0), "停电检修")
    day = resolve_one(dt.date(2026, 11, 24), closures=[closure])
    assert day.kind == "closure"
    assert day.intervals == (Interval.parse("9:00-10:00"), Interval.parse("15:00-18:00"))
    assert day.open_hours == 4.0
    assert day.note == "停电检修"


def test_multi_day_closure_closes_whole_days_and_reopens_mid_day():
    closure = Closure(dt.datetime(2026, 11, 23, 0, 0), dt.datetime(2026, 11, 25, 14, 0), "屋顶维修")
    days = resolve_calendar(
        jiaping_schedule(), [], HolidayRule.OPEN, [closure], dt.date(2026, 11, 23), dt.date(2026, 11, 26)
    )
    assert [day.open_hours for day in days] == [0.0, 0.0, 4.0, 7.0]
    assert [day.kind for day in days] == ["closure", "closure", "closure", "regular"]


def test_closure_beats_an_exception():
    exception = DateException(dt.date(2026, 11, 24), (Interval.parse("8:00-20:00"),), "延时开放")
    closure = Closure(dt.datetime(2026, 11, 24, 12, 0), dt.datetime(2026, 11, 25, 0, 0), "突发停水")
    day = resolve_one(dt.date(2026, 11, 24), exceptions=[exception], closures=[closure])
    assert day.kind == "closure"
    assert day.intervals == (Interval.parse("8:00-12:00"),)


def test_closure_outside_opening_time_changes_nothing():
    closure = Closure(dt.datetime(2026, 11, 24, 19, 0), dt.datetime(2026, 11, 25, 8, 0), "夜间保洁")
    days = resolve_calendar(
        jiaping_schedule(), [], HolidayRule.OPEN, [closure], dt.date(2026, 11, 24), dt.date(2026, 11, 25)
    )
    assert [day.kind for day in days] == ["regular", "regular"]


def test_closure_must_reopen_after_it_starts():
    with pytest.raises(ScheduleError, match="must be after its start"):
        Closure(dt.datetime(2026, 11, 24, 12, 0), dt.datetime(2026, 11, 24, 12, 0), "x")


# ---- asking whether it is open ---------------------------------------------------------------


def test_is_open_at_uses_half_open_intervals():
    days = resolve_calendar(jiaping_schedule(), [], HolidayRule.OPEN, [], dt.date(2026, 11, 24), dt.date(2026, 11, 24))
    assert is_open_at(days, dt.datetime(2026, 11, 24, 9, 0))
    assert is_open_at(days, dt.datetime(2026, 11, 24, 11, 59))
    assert not is_open_at(days, dt.datetime(2026, 11, 24, 12, 0))  # lunch break
    assert not is_open_at(days, dt.datetime(2026, 11, 24, 12, 30))
    assert is_open_at(days, dt.datetime(2026, 11, 24, 15, 0))
    with pytest.raises(ValueError, match="not among the resolved days"):
        is_open_at(days, dt.datetime(2026, 11, 25, 10, 0))


def test_a_booking_must_fit_inside_one_open_interval():
    day = resolve_one(dt.date(2026, 11, 24))
    assert open_interval_containing(day, t("15:00"), t("16:00")) == Interval.parse("14:00-18:00")
    assert open_interval_containing(day, t("09:00"), t("12:00")) == Interval.parse("9:00-12:00")
    assert open_interval_containing(day, t("11:00"), t("15:00")) is None  # spans the lunch break
    assert open_interval_containing(day, t("12:30"), t("13:30")) is None
