"""Writes of opening hours: the weekly hours and holiday rule of a venue, dated exceptions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from contracts.common import Actor
from contracts.errors import NotFound
from contracts.venues import (
    DateExceptionIn,
    OpeningExceptionRemoved,
    OpeningExceptionSet,
    OpeningHours,
    OpeningHoursSet,
    OpeningStandardFact,
)
from kit.clock import local_today, utcnow
from services.venues import hours_changes, queries, schedule
from services.venues.access import require_manager
from services.venues.domain.compliance import DEFAULT_VILLAGE_WEEKLY_HOURS, standard_for_level
from services.venues.domain.opening_hours import DateException, ScheduleError, weekly_open_hours
from services.venues.tables import opening_exceptions, venues


def hours_set_fact(
    venue_id: str, venue_name: str, level: str, weekly: dict, holiday_rule: str, by: str, village_weekly_hours: float
) -> OpeningHoursSet:
    """What reports needs to tell each week's opening against the standard: the hours from today on,
    and the standard of the venue's level (the village figure is this district's setting)."""
    standard = standard_for_level(level, village_weekly_hours)
    return OpeningHoursSet(
        venue_id=venue_id,
        venue_name=venue_name,
        level=level,
        weekly=weekly,
        holiday_rule=holiday_rule,
        weekly_open_hours=weekly_open_hours(schedule.weekly_schedule(weekly)),
        effective_from=local_today(),
        standard=OpeningStandardFact(
            min_weekly_hours=standard.min_weekly_hours,
            min_daily_hours=standard.min_daily_hours,
            weekend_required=standard.weekend_required,
            holidays_required=standard.holidays_required,
        ),
        set_by=by,
    )


def set_weekly_hours(
    tx,
    actor: Actor,
    venue_id: str,
    data: OpeningHours,
    village_weekly_hours: float = DEFAULT_VILLAGE_WEEKLY_HOURS,
) -> None:
    weekly = schedule.validated_weekly(data.weekly)
    venue = queries.venue_or_404(tx.session, venue_id)
    require_manager(actor, venue.id, venue.name)
    tx.session.execute(
        venues.update()
        .where(venues.c.id == venue_id)
        .values(weekly_hours=weekly, holiday_rule=data.holiday_rule, updated_at=utcnow())
    )
    tx.emit(
        hours_set_fact(venue.id, venue.name, venue.level, weekly, data.holiday_rule, actor.sub, village_weekly_hours),
        subject=venue.id,
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
    tx.emit(
        OpeningExceptionSet(
            venue_id=venue.id, venue_name=venue.name, date=day, intervals=intervals, note=data.note, set_by=actor.sub
        ),
        subject=venue.id,
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
    tx.emit(
        OpeningExceptionRemoved(venue_id=venue.id, venue_name=venue.name, date=day, removed_by=actor.sub),
        subject=venue.id,
    )
    return {"deleted": True, "date": day.isoformat()}
