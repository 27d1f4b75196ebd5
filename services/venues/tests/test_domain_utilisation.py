import datetime as dt

from services.venues.domain.jiaping_seed import jiaping_schedule
from services.venues.domain.opening_hours import DateException, HolidayRule, iso_week_dates, resolve_calendar
from services.venues.domain.utilisation import room_utilisation


def week(exceptions=()):
    dates = iso_week_dates("2026-W48")
    return resolve_calendar(jiaping_schedule(), exceptions, HolidayRule.OPEN, [], dates[0], dates[-1])


def span(day: int, start: str, end: str):
    return (
        dt.datetime.combine(dt.date(2026, 11, day), dt.time.fromisoformat(start)),
        dt.datetime.combine(dt.date(2026, 11, day), dt.time.fromisoformat(end)),
    )


def test_booked_hours_over_open_hours():
    result = room_utilisation([span(24, "14:00", "18:00"), span(28, "09:30", "11:30")], week())
    assert result["open_hours"] == 45.0
    assert result["booked_hours"] == 6.0
    assert result["utilisation"] == round(6 / 45, 4)
    tuesday = result["per_day"][1]
    assert tuesday == {"date": "2026-11-24", "open_hours": 7.0, "booked_hours": 4.0, "utilisation": round(4 / 7, 4)}
    assert result["per_day"][0]["utilisation"] == 0.0


def test_only_the_part_inside_open_time_counts():
    result = room_utilisation([span(24, "11:00", "15:00")], week())  # 11-12 and 14-15 are open
    assert result["booked_hours"] == 2.0


def test_overlapping_spans_count_once():
    result = room_utilisation([span(24, "14:00", "16:00"), span(24, "15:00", "17:00")], week())
    assert result["booked_hours"] == 3.0


def test_no_open_hours_means_no_utilisation():
    closed_week = [DateException(day) for day in iso_week_dates("2026-W48")]
    result = room_utilisation([span(24, "14:00", "15:00")], week(closed_week))
    assert result["open_hours"] == 0.0
    assert result["utilisation"] is None
    assert all(day["utilisation"] is None for day in result["per_day"])
