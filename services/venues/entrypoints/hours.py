"""Opening hours, the resolved calendar, "is room R open at T?", compliance, utilisation, the public notice."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import delete, select

from contracts.errors import NotFound
from contracts.venues import (
    ComplianceReport, DateExceptionIn, OpeningHours, OpeningHoursView, PublicNotice, RoomOpenAt,
    UtilisationReport, VenueCalendar,
)
from kit.rpc import rpc
from services.venues import hours_changes, inputs, notice, queries, schedule
from services.venues.domain.opening_hours import DateException, ScheduleError, weekly_open_hours
from services.venues.access import require_manager
from services.venues.localtime import now, to_local
from services.venues.tables import opening_exceptions, venues


class HoursEntrypoints:
    @rpc
    def get_opening_hours(self, venue_id: str) -> dict:
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            rows = session.execute(select(opening_exceptions).where(opening_exceptions.c.venue_id == venue_id)
                                   .order_by(opening_exceptions.c.date)).all()
        view = OpeningHoursView(
            venue_id=venue.id, weekly=venue.weekly_hours or {}, holiday_rule=venue.holiday_rule,
            notice_zh=schedule.hours_notice_zh(venue),
            weekly_open_hours=weekly_open_hours(schedule.weekly_schedule(venue.weekly_hours)),
            exceptions=[{"date": r.date, "intervals": r.intervals, "note": r.note} for r in rows])
        return view.model_dump(mode="json")

    @rpc
    def set_opening_hours(self, actor: dict, venue_id: str, hours: dict) -> dict:
        actor = inputs.actor(actor)
        data = inputs.model(OpeningHours, hours, "opening hours")
        weekly = schedule.validated_weekly(data.weekly)
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            tx.session.execute(venues.update().where(venues.c.id == venue_id).values(
                weekly_hours=weekly, holiday_rule=data.holiday_rule, updated_at=now()))
        return self.get_opening_hours(venue_id)

    @rpc
    def set_opening_exception(self, actor: dict, venue_id: str, date: str, exception: dict) -> dict:
        actor = inputs.actor(actor)
        day = inputs.date(date, "date")
        data = inputs.model(DateExceptionIn, exception, "exception")
        try:
            intervals = [str(i) for i in DateException(date=day, intervals=schedule.parse_intervals(
                data.intervals)).intervals]
        except ScheduleError as error:
            raise schedule.unprocessable(error, field="intervals") from error
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            hours_changes.require_no_hidden_closure(tx.session, venue, day, schedule.parse_intervals(intervals),
                                                    data.note)
            tx.session.execute(delete(opening_exceptions).where(opening_exceptions.c.venue_id == venue_id,
                                                                opening_exceptions.c.date == day))
            tx.session.execute(opening_exceptions.insert().values(venue_id=venue_id, date=day, intervals=intervals,
                                                                  note=data.note, updated_by=actor.sub,
                                                                  updated_at=now()))
        return {"date": day.isoformat(), "intervals": intervals, "note": data.note}

    @rpc
    def delete_opening_exception(self, actor: dict, venue_id: str, date: str) -> dict:
        actor = inputs.actor(actor)
        day = inputs.date(date, "date")
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            hours_changes.require_no_stranded_bookings(tx.session, venue, day,
                                                       hours_changes.hours_without_exception(tx.session, venue, day))
            deleted = tx.session.execute(delete(opening_exceptions).where(
                opening_exceptions.c.venue_id == venue_id, opening_exceptions.c.date == day)).rowcount
        if not deleted:
            raise NotFound(f"No exception on {day} for this venue.", {"date": day.isoformat()})
        return {"deleted": True, "date": day.isoformat()}

    @rpc
    def get_calendar(self, venue_id: str, start: str, end: str, room_id: str | None = None) -> dict:
        first, last = inputs.date(start, "from"), inputs.date(end, "to")
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            if room_id:
                room = queries.room_or_404(session, room_id)
                if room.venue_id != venue_id:
                    raise NotFound(f"Room {room_id} is not a room of {venue.name}.", {"room_id": room_id})
            days = schedule.resolve(session, venue, first, last, room_id=room_id)
        return VenueCalendar(venue_id=venue_id, room_id=room_id, start_date=first, end_date=last,
                             days=[schedule.day_view(day) for day in days]).model_dump(mode="json")

    @rpc
    def room_calendar(self, room_id: str, start: str, end: str) -> dict:
        with self.db.read() as session:
            venue_id = queries.room_or_404(session, room_id).venue_id
        return self.get_calendar(venue_id, start, end, room_id=room_id)

    @rpc
    def room_open_at(self, room_id: str, at: str) -> dict:
        moment = inputs.aware(at, "at")
        local = to_local(moment)
        with self.db.read() as session:
            room = queries.room_or_404(session, room_id)
            venue = queries.venue_row(session, room.venue_id)
            [day] = schedule.resolve(session, venue, local.date(), local.date(), room_id=room.id)
        interval = next((i for i in day.intervals if i.start <= local.time() < i.end), None)
        return RoomOpenAt(room_id=room.id, venue_id=venue.id, at=moment, open=interval is not None,
                          interval=str(interval) if interval else None,
                          day=schedule.day_view(day)).model_dump(mode="json")

    @rpc
    def compliance(self, venue_id: str, week: str) -> dict:
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            report = schedule.compliance(session, venue, week, schedule.village_weekly_hours(self.config))
        return ComplianceReport.model_validate(report).model_dump(mode="json")

    @rpc
    def preview_compliance(self, actor: dict, venue_id: str, hours: dict, week: str) -> dict:
        """The compliance report the venue would have with these weekly hours (stored exceptions and
        closures kept): shown to the manager before saving. Changes nothing."""
        actor = inputs.actor(actor)
        data = inputs.model(OpeningHours, hours, "opening hours")
        weekly = schedule.validated_weekly(data.weekly)
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            require_manager(actor, venue.id, venue.name)
            proposed = SimpleNamespace(**{**venue._asdict(), "weekly_hours": weekly,
                                          "holiday_rule": data.holiday_rule})
            report = schedule.compliance(session, proposed, week, schedule.village_weekly_hours(self.config))
        return ComplianceReport.model_validate(report).model_dump(mode="json")

    @rpc
    def utilisation(self, venue_id: str, week: str) -> dict:
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            report = schedule.utilisation(session, venue, week)
        return UtilisationReport.model_validate(report).model_dump(mode="json")

    @rpc
    def public_notice(self, venue_id: str, week: str | None = None) -> dict:
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            result = notice.public_notice(session, venue, week)
        return PublicNotice.model_validate(result).model_dump(mode="json")
