import datetime as dt

import pytest

from services.venues.domain.booking_rules import BookingRecord, BookingStatus
from services.venues.domain.closures import ClosureError, bookings_affected, closure_notice_zh, validate_closure
from services.venues.domain.opening_hours import Closure

NOW = dt.datetime(2026, 11, 20, 10, 0)
START = dt.datetime(2026, 11, 24, 9, 0)
REOPENING = dt.datetime(2026, 11, 26, 9, 0)


def test_valid_closure():
    closure = validate_closure(START, REOPENING, "  屋顶漏水维修 ", NOW)
    assert closure == Closure(START, REOPENING, "屋顶漏水维修")


def test_closure_without_expected_reopening_is_refused():
    with pytest.raises(ClosureError, match="expected reopening") as raised:
        validate_closure(START, None, "维修", NOW)
    assert raised.value.code == "reopening_required"
    assert "预开放时间" in raised.value.message_zh


def test_reopening_must_be_after_start():
    with pytest.raises(ClosureError) as raised:
        validate_closure(START, START, "维修", NOW)
    assert raised.value.code == "reopening_not_after_start"


def test_reopening_must_not_have_passed():
    with pytest.raises(ClosureError) as raised:
        validate_closure(dt.datetime(2026, 11, 18, 9), dt.datetime(2026, 11, 19, 9), "维修", NOW)
    assert raised.value.code == "reopening_in_past"


def test_emergency_closure_may_start_in_the_past():
    assert validate_closure(NOW - dt.timedelta(hours=2), REOPENING, "突发停电", NOW).reason == "突发停电"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reason_is_required(reason):
    with pytest.raises(ClosureError) as raised:
        validate_closure(START, REOPENING, reason, NOW)
    assert raised.value.code == "reason_required"


def test_bookings_affected_are_active_and_overlapping_earliest_first():
    closure = Closure(START, REOPENING, "维修")
    bookings = [
        BookingRecord("late", dt.datetime(2026, 11, 25, 15), dt.datetime(2026, 11, 25, 16), BookingStatus.PENDING),
        BookingRecord("early", dt.datetime(2026, 11, 24, 9), dt.datetime(2026, 11, 24, 10), BookingStatus.CONFIRMED),
        BookingRecord(
            "cancelled", dt.datetime(2026, 11, 24, 14), dt.datetime(2026, 11, 24, 15), BookingStatus.CANCELLED
        ),
        BookingRecord("before", dt.datetime(2026, 11, 23, 15), dt.datetime(2026, 11, 23, 16), BookingStatus.CONFIRMED),
        BookingRecord("ends-at-start", dt.datetime(2026, 11, 24, 8), START, BookingStatus.CONFIRMED),
        BookingRecord("starts-at-reopening", REOPENING, dt.datetime(2026, 11, 26, 10), BookingStatus.CONFIRMED),
    ]
    assert bookings_affected(closure, bookings) == ["early", "late"]


def test_public_notice_gives_the_expected_reopening():
    notice = closure_notice_zh("嘉平镇文化服务中心文化活动室", Closure(START, REOPENING, "设备检修"))
    assert "设备检修" in notice
    assert "2026年11月26日 09:00恢复开放" in notice


def test_an_exception_that_strands_bookings_or_takes_hours_away():
    from services.venues.domain.closures import bookings_left_outside, removes_hours
    from services.venues.domain.opening_hours import Interval

    morning, afternoon = Interval.parse("09:00-12:00"), Interval.parse("14:00-18:00")
    day = dt.date(2026, 12, 8)
    records = [
        BookingRecord(
            "b-pm",
            dt.datetime.combine(day, dt.time(15)),
            dt.datetime.combine(day, dt.time(16)),
            BookingStatus.CONFIRMED,
        ),
        BookingRecord(
            "b-in",
            dt.datetime.combine(day, dt.time(9)),
            dt.datetime.combine(day, dt.time(10)),
            BookingStatus.CHECKED_IN,
        ),
        BookingRecord(
            "b-gone",
            dt.datetime.combine(day, dt.time(15)),
            dt.datetime.combine(day, dt.time(16)),
            BookingStatus.CANCELLED,
        ),
    ]
    assert bookings_left_outside([morning, afternoon], records) == []
    assert bookings_left_outside([morning], records) == ["b-pm"]
    assert bookings_left_outside([], records) == ["b-in", "b-pm"]
    assert removes_hours([morning, afternoon], [morning]) and removes_hours([morning], [Interval.parse("09:30-12:00")])
    assert not removes_hours([morning], [Interval.parse("08:00-12:30")]) and not removes_hours([], [morning])
