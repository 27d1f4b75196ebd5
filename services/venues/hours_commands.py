"""Writes of opening hours: the weekly hours and holiday rule of a venue, dated exceptions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from contracts.common import Actor
from contracts.errors import NotFound
from contracts.venues import DateExceptionIn, OpeningHours
from kit.clock import utcnow
from services.venues import hours_changes, queries, schedule
from services.venues.access import require_manager
from services.venues.domain.opening_hours import DateException, ScheduleError
from services.venues.tables import opening_exceptions, venues


def set_weekly_hours(tx, actor: Actor, venue_id: str, data: OpeningHours) -> None:
    weekly = schedule.validated_weekly(data.weekly)
    venue = queries.venue_or_404(tx.session, venue_id)
    require_manager(actor, venue.id, venue.name)
    tx.session.execute(
        venues.update()
        .where(venues.c.id == venue_id)
        .values(weekly_hours=weekly, holiday_rule=data.holiday_rule, updated_at=utcnow())
    )


def set_exception(tx, actor: Actor, venue_id: str, day: dt.date, data: DateExceptionIn) -> dict:
    """The hours of one date replace the weekly hours on that date (a later one replaces an earlier one)."""
    try:
        exception = DateException(date=day, intervals=schedule.parse_intervals(data.intervals))
    except ScheduleError as error:
        raise schedule.unprocessable(error, field="intervals") from error
    intervals = [str(i) for i in exception.intervals]
    venue = queries.venue_or_404(tx.session, venue_id)
    require_manager(actor, venue.id, venue.name)
    hours_changes.require_no_hidden_closure(tx.session, venue, day, schedule.parse_intervals(intervals), data.note)
    tx.session.execute(
        delete(opening_exceptions).where(opening_exceptions.c.venue_id == venue_id, opening_exceptions.c.date == day)
    )
    tx.session.execute(
        opening_exceptions.insert().values(
            venue_id=venue_id, date=day, intervals=intervals, note=data.note, updated_by=actor.sub, updated_at=utcnow()
        )
    )
    return {"date": day.isoformat(), "intervals": intervals, "note": data.note}


def delete_exception(tx, actor: Actor, venue_id: str, day: dt.date) -> dict:
    venue = queries.venue_or_404(tx.session, venue_id)
    require_manager(actor, venue.id, venue.name)
    hours_changes.require_no_stranded_bookings(
        tx.session, venue, day, hours_changes.hours_without_exception(tx.session, venue, day)
    )
    deleted = tx.session.execute(
        delete(opening_exceptions).where(opening_exceptions.c.venue_id == venue_id, opening_exceptions.c.date == day)
    ).rowcount
    if not deleted:
        raise NotFound(f"No exception on {day} for this venue.", {"date": day.isoformat()})
    return {"deleted": True, "date": day.isoformat()}
