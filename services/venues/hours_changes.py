"""Dated exceptions that take hours away (seed 004, issue 17.5): a day closed needs a reason for the
notice, and one that strands bookings or event holds is a closure — it must go through the closure
path (notice, expected reopening, cancellations, messages) instead."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from contracts.errors import Conflict, Unprocessable
from kit.clock import span_of_dates, to_local
from services.venues import queries, schedule
from services.venues.domain.booking_rules import BookingRecord, BookingStatus
from services.venues.domain.closures import bookings_left_outside, removes_hours
from services.venues.domain.opening_hours import DateException, HolidayRule, Interval, resolve_calendar
from services.venues.tables import bookings


def hours_without_exception(session, venue, day: dt.date) -> tuple[Interval, ...]:
    """The day's hours as the weekly template and the holidays make them (no exception, no closure)."""
    entered = schedule.statutory_years.entered_years(session, [day.year])
    return resolve_calendar(
        schedule.weekly_schedule(venue.weekly_hours), [], HolidayRule(venue.holiday_rule), [], day, day, entered
    )[0].intervals


def _current_hours(session, venue, day: dt.date) -> tuple[Interval, ...]:
    rows = schedule.exceptions_between(session, venue.id, day, day)
    if not rows:
        return hours_without_exception(session, venue, day)
    entered = schedule.statutory_years.entered_years(session, [day.year])
    exception = DateException(date=day, intervals=schedule.parse_intervals(rows[0].intervals))
    return resolve_calendar(
        schedule.weekly_schedule(venue.weekly_hours),
        [exception],
        HolidayRule(venue.holiday_rule),
        [],
        day,
        day,
        entered,
    )[0].intervals


def require_no_stranded_bookings(session, venue, day: dt.date, new_hours: tuple[Interval, ...]) -> None:
    start, end = span_of_dates(day, day)
    rows = session.execute(
        select(bookings).where(
            bookings.c.venue_id == venue.id,
            bookings.c.starts_at < end,
            bookings.c.ends_at > start,
            bookings.c.status.in_(queries.HOLDING),
        )
    ).all()
    records = [
        BookingRecord(row.id, to_local(row.starts_at), to_local(row.ends_at), BookingStatus(row.status)) for row in rows
    ]
    stranded = bookings_left_outside(new_hours, records)
    if stranded:
        events = sorted({row.event_id for row in rows if row.id in stranded and row.event_id})
        raise Conflict(
            f"These hours on {day} would leave {len(stranded)} booking(s) outside the opening hours. Closing time "
            f"that is booked is a closure: announce it with POST /api/v1/venues/{venue.id}/closures (reason and "
            f"expected reopening), which cancels the bookings and tells the bookers; or change the hours around "
            f"them.",
            {
                "reason_code": "bookings_in_the_way",
                "booking_ids": stranded,
                "event_ids": events,
                "closure_path": f"/api/v1/venues/{venue.id}/closures",
                "detail_zh": "该日已有预订或活动占用，缩减开放时间须按闭馆程序办理：发布闭馆公告、预开放时间并通知预订人",  # noqa: E501
            },
        )


def require_no_hidden_closure(session, venue, day: dt.date, new_hours: tuple[Interval, ...], note: str) -> None:
    """An exception that takes hours away must say why (the notice shows it) and strand no booking."""
    if not removes_hours(_current_hours(session, venue, day), new_hours):
        return
    if not (note or "").strip():
        raise Unprocessable(
            f"Fewer hours on {day} need a reason for the public notice (note).",
            {"field": "note", "reason_code": "reason_required", "detail_zh": "减少开放时间须说明原因，以便对外公告"},
        )
    require_no_stranded_bookings(session, venue, day, new_hours)
