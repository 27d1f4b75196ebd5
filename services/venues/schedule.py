"""Opening hours as stored (weekly JSON, dated exceptions, closures) → the domain's objects, and the
resolved calendar, compliance report and utilisation built from them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import NotFound, Unprocessable
from contracts.venues import OpeningHoursView, RoomOpenAt, VenueCalendar
from kit.clock import span_of_dates, to_local
from services.venues import queries, statutory_years
from services.venues.access import require_manager
from services.venues.domain.compliance import standard_for_level, weekly_compliance
from services.venues.domain.opening_hours import (
    WEEKDAY_NAMES_EN,
    Closure,
    DateException,
    HolidayRule,
    Interval,
    ResolvedDay,
    ScheduleError,
    WeeklySchedule,
    format_weekly_schedule_zh,
    iso_week_dates,
    resolve_calendar,
    weekly_open_hours,
)
from services.venues.domain.utilisation import room_utilisation
from services.venues.tables import bookings, closures, opening_exceptions

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_CALENDAR_DAYS = 400
HOLIDAY_RULE_ZH = {
    "open": "国家法定节假日按周末时间开放",
    "closed": "国家法定节假日闭馆",
    "by_arrangement": "国家法定节假日按活动组织要求开放",
}


def unprocessable(error: ValueError, **extra) -> Unprocessable:
    message = str(error)
    return Unprocessable(message[:1].upper() + message[1:] + ("" if message.endswith(".") else "."), extra)


def parse_intervals(texts: Iterable[str]) -> tuple[Interval, ...]:
    return tuple(Interval.parse(text) for text in texts)


def weekly_schedule(weekly: dict | None) -> WeeklySchedule:
    weekly = weekly or {}
    return WeeklySchedule({WEEKDAYS.index(day): parse_intervals(texts) for day, texts in weekly.items()})


def weekly_json(schedule: WeeklySchedule) -> dict[str, list[str]]:
    return {
        WEEKDAYS[weekday]: [str(i) for i in schedule.intervals_on(weekday)]
        for weekday in range(7)
        if schedule.intervals_on(weekday)
    }


def validated_weekly(weekly: dict) -> dict[str, list[str]]:
    """Normalised weekly JSON, or 422 naming what is wrong (reversed, overlapping or touching intervals)."""
    try:
        return weekly_json(weekly_schedule(weekly))
    except ScheduleError as error:
        raise unprocessable(error, field="weekly") from error


def hours_notice_zh(venue) -> str:
    schedule = weekly_schedule(venue.weekly_hours)
    text = format_weekly_schedule_zh(schedule) if venue.weekly_hours else "开放时间尚未公布"
    return f"{text}（{HOLIDAY_RULE_ZH.get(venue.holiday_rule, '')}）"


def exceptions_between(session: Session, venue_id: str, start_date: dt.date, end_date: dt.date):
    query = (
        select(opening_exceptions)
        .where(
            opening_exceptions.c.venue_id == venue_id,
            opening_exceptions.c.date >= start_date,
            opening_exceptions.c.date <= end_date,
        )
        .order_by(opening_exceptions.c.date)
    )
    return session.execute(query).all()


def domain_closure(row) -> Closure | None:
    if queries.withdrawn(row):
        return None
    return Closure(
        start=to_local(row.start), expected_reopening=to_local(queries.effective_end(row)), reason=row.reason
    )


def closures_between(
    session: Session, venue_id: str, room_id: str | None, start: dt.datetime, end: dt.datetime
) -> list[Closure]:
    """Closures of the whole venue and (with room_id) of that room touching [start, end)."""
    query = select(closures).where(closures.c.venue_id == venue_id, closures.c.start < end)
    query = query.where(
        closures.c.room_id.is_(None) | (closures.c.room_id == room_id) if room_id else closures.c.room_id.is_(None)
    )
    found = []
    for row in session.execute(query):
        if queries.effective_end(row) > start:
            closure = domain_closure(row)
            if closure is not None:
                found.append(closure)
    return found


def resolve(
    session: Session, venue, start_date: dt.date, end_date: dt.date, room_id: str | None = None
) -> list[ResolvedDay]:
    if end_date < start_date:
        raise Unprocessable(
            f"The range ends ({end_date}) before it starts ({start_date}).",
            {"from": str(start_date), "to": str(end_date)},
        )
    if (end_date - start_date).days >= MAX_CALENDAR_DAYS:
        raise Unprocessable(f"Ask for at most {MAX_CALENDAR_DAYS} days at a time.", {"max_days": MAX_CALENDAR_DAYS})
    exceptions = [
        DateException(date=row.date, intervals=parse_intervals(row.intervals), note=row.note)
        for row in exceptions_between(session, venue.id, start_date, end_date)
    ]
    span_start, span_end = span_of_dates(start_date, end_date)
    entered = statutory_years.entered_years(session, range(start_date.year, end_date.year + 1))
    return resolve_calendar(
        weekly_schedule(venue.weekly_hours),
        exceptions,
        HolidayRule(venue.holiday_rule),
        closures_between(session, venue.id, room_id, span_start, span_end),
        start_date,
        end_date,
        entered,
    )


def day_view(day: ResolvedDay) -> dict:
    return {
        "date": day.date.isoformat(),
        "weekday": WEEKDAY_NAMES_EN[day.date.weekday()],
        "kind": day.kind,
        "intervals": [str(interval) for interval in day.intervals],
        "open_hours": round(day.open_hours, 2),
        "holiday_name": day.holiday_name,
        "holiday_name_zh": day.holiday_name_zh,
        "by_arrangement": day.by_arrangement,
        "note": day.note,
        "calendar_known": day.calendar_known,
        "calendar_source": day.calendar_source,
    }


def week_dates(week: str) -> list[dt.date]:
    try:
        return iso_week_dates(week)
    except ValueError as error:
        raise unprocessable(error, week=week) from error


def compliance(session: Session, venue, week: str, village_hours: float) -> dict:
    dates = week_dates(week)
    days = resolve(session, venue, dates[0], dates[-1])
    report = weekly_compliance(days, standard_for_level(venue.level, village_hours)).to_dict()
    return {"venue_id": venue.id, "venue_name": venue.name, "level": venue.level, **report}


def utilisation(session: Session, venue, week: str) -> dict:
    dates = week_dates(week)
    span_start, span_end = span_of_dates(dates[0], dates[-1])
    report = []
    for room in queries.room_rows(session, venue.id):
        days = resolve(session, venue, dates[0], dates[-1], room_id=room.id)
        query = select(bookings.c.starts_at, bookings.c.ends_at).where(
            bookings.c.room_id == room.id,
            bookings.c.status.in_(("confirmed", "checked_in", "no_show")),
            bookings.c.starts_at < span_end,
            bookings.c.ends_at > span_start,
        )
        spans = [(to_local(start), to_local(end)) for start, end in session.execute(query)]
        figures = room_utilisation(spans, days)
        report.append(
            {
                "room_id": room.id,
                "room_name": room.name,
                "open_hours": figures["open_hours"],
                "booked_hours": figures["booked_hours"],
                "utilisation": figures["utilisation"],
                "per_day": figures["per_day"],
            }
        )
    return {"venue_id": venue.id, "week": week, "rooms": report}


def opening_hours_view(session: Session, venue_id: str) -> OpeningHoursView:
    venue = queries.venue_or_404(session, venue_id)
    rows = session.execute(
        select(opening_exceptions).where(opening_exceptions.c.venue_id == venue_id).order_by(opening_exceptions.c.date)
    ).all()
    return OpeningHoursView(
        venue_id=venue.id,
        weekly=venue.weekly_hours or {},
        holiday_rule=venue.holiday_rule,
        notice_zh=hours_notice_zh(venue),
        weekly_open_hours=weekly_open_hours(weekly_schedule(venue.weekly_hours)),
        exceptions=[{"date": r.date, "intervals": r.intervals, "note": r.note} for r in rows],
    )


def calendar_view(
    session: Session, venue_id: str, first: dt.date, last: dt.date, room_id: str | None = None
) -> VenueCalendar:
    """The resolved days of a venue (or of one of its rooms: its closures count too)."""
    venue = queries.venue_or_404(session, venue_id)
    if room_id:
        room = queries.room_or_404(session, room_id)
        if room.venue_id != venue_id:
            raise NotFound(f"Room {room_id} is not a room of {venue.name}.", {"room_id": room_id})
    days = resolve(session, venue, first, last, room_id=room_id)
    return VenueCalendar(
        venue_id=venue_id, room_id=room_id, start_date=first, end_date=last, days=[day_view(day) for day in days]
    )


def room_open_at(session: Session, room_id: str, moment: dt.datetime) -> RoomOpenAt:
    local = to_local(moment)
    room = queries.room_or_404(session, room_id)
    venue = queries.venue_row(session, room.venue_id)
    [day] = resolve(session, venue, local.date(), local.date(), room_id=room.id)
    interval = next((i for i in day.intervals if i.start <= local.time() < i.end), None)
    return RoomOpenAt(
        room_id=room.id,
        venue_id=venue.id,
        at=moment,
        open=interval is not None,
        interval=str(interval) if interval else None,
        day=day_view(day),
    )


def proposed_compliance(session: Session, actor, venue_id: str, data, week: str, village_hours: float) -> dict:
    """The compliance report the venue would have with these weekly hours (stored exceptions and
    closures kept), for its manager, before saving. Changes nothing."""
    weekly = validated_weekly(data.weekly)
    venue = queries.venue_or_404(session, venue_id)
    require_manager(actor, venue.id, venue.name)
    proposed = SimpleNamespace(**{**venue._asdict(), "weekly_hours": weekly, "holiday_rule": data.holiday_rule})
    return compliance(session, proposed, week, village_hours)
