import datetime as dt

import pytest

from services.venues.domain.booking_limits import (
    BookingLimits,
    LimitsError,
    cancellation_refusal,
    iso_week_bounds,
    limits_refusal,
    past_start_refusal,
)

NOW = dt.datetime(2026, 12, 2, 10, 0)


def refusal_code(start, end, limits=BookingLimits(), held=0):
    refusal = limits_refusal(start, end, NOW, limits, held)
    return refusal.code if refusal else None


def test_no_start_in_the_past_for_anyone():
    assert past_start_refusal(NOW, NOW).code == "in_the_past"
    assert past_start_refusal(NOW + dt.timedelta(minutes=1), NOW) is None
    assert refusal_code(dt.datetime(2020, 1, 7, 9), dt.datetime(2020, 1, 7, 10)) == "in_the_past"


def test_advance_window_length_and_weekly_quota():
    limits = BookingLimits(advance_days=30, max_minutes=120, weekly_quota=2)
    day = dt.datetime(2026, 12, 10, 9)
    assert refusal_code(day, day + dt.timedelta(hours=1), limits) is None
    assert refusal_code(NOW + dt.timedelta(days=31), NOW + dt.timedelta(days=31, hours=1), limits) == "too_far_ahead"
    assert refusal_code(day, day + dt.timedelta(minutes=121), limits) == "too_long"
    assert refusal_code(day, day + dt.timedelta(hours=1), limits, held=1) is None
    assert refusal_code(day, day + dt.timedelta(hours=1), limits, held=2) == "weekly_quota_reached"
    assert refusal_code(day, day + dt.timedelta(hours=1), limits, held=None) is None  # a name at the desk
    assert refusal_code(day, day + dt.timedelta(hours=1), BookingLimits(weekly_quota=None), held=99) is None


def test_cancellation_cut_off():
    start = NOW + dt.timedelta(hours=10)
    assert cancellation_refusal(start, NOW, BookingLimits()) is None
    assert cancellation_refusal(start, NOW, BookingLimits(cancel_cutoff_hours=12)).code == "cancellation_closed"
    assert cancellation_refusal(start, NOW, BookingLimits(cancel_cutoff_hours=8)) is None


def test_limits_are_bounded_and_stored_ones_fill_in_the_defaults():
    with pytest.raises(LimitsError):
        BookingLimits(advance_days=0)
    with pytest.raises(LimitsError):
        BookingLimits(max_minutes=5)
    assert BookingLimits.from_json(None) == BookingLimits()
    assert BookingLimits.from_json({"weekly_quota": None}).weekly_quota is None


def test_iso_week_bounds():
    assert iso_week_bounds(dt.date(2026, 12, 6)) == (dt.datetime(2026, 11, 30), dt.datetime(2026, 12, 7))
