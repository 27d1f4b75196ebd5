"""Opening hours, the resolved calendar, "is room R open at T?", compliance, utilisation, the public notice."""

from __future__ import annotations

from contracts.venues import ComplianceReport, DateExceptionIn, OpeningHours, PublicNotice, UtilisationReport
from kit.boundary import actor_from, aware_or_422, date_or_422, model_or_422
from kit.rpc import rpc
from services.venues import hours_commands, notice, queries, schedule


class HoursEntrypoints:
    @rpc
    def get_opening_hours(self, venue_id: str) -> dict:
        with self.db.read() as session:
            return schedule.opening_hours_view(session, venue_id).model_dump(mode="json")

    @rpc
    def set_opening_hours(self, actor: dict, venue_id: str, hours: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(OpeningHours, hours, "opening hours")
        with self.db.transaction() as tx:
            hours_commands.set_weekly_hours(tx, actor, venue_id, data, self.settings.village_weekly_hours)
        return self.get_opening_hours(venue_id)

    @rpc
    def set_opening_exception(self, actor: dict, venue_id: str, date: str, exception: dict) -> dict:
        actor = actor_from(actor)
        day = date_or_422(date, "date")
        data = model_or_422(DateExceptionIn, exception, "exception")
        with self.db.transaction() as tx:
            return hours_commands.set_exception(tx, actor, venue_id, day, data)

    @rpc
    def delete_opening_exception(self, actor: dict, venue_id: str, date: str) -> dict:
        actor = actor_from(actor)
        day = date_or_422(date, "date")
        with self.db.transaction() as tx:
            return hours_commands.delete_exception(tx, actor, venue_id, day)

    @rpc
    def get_calendar(self, venue_id: str, start: str, end: str, room_id: str | None = None) -> dict:
        first, last = date_or_422(start, "from"), date_or_422(end, "to")
        with self.db.read() as session:
            return schedule.calendar_view(session, venue_id, first, last, room_id).model_dump(mode="json")

    @rpc
    def room_calendar(self, room_id: str, start: str, end: str) -> dict:
        with self.db.read() as session:
            venue_id = queries.room_or_404(session, room_id).venue_id
        return self.get_calendar(venue_id, start, end, room_id=room_id)

    @rpc
    def room_open_at(self, room_id: str, at: str) -> dict:
        moment = aware_or_422(at, "at")
        with self.db.read() as session:
            return schedule.room_open_at(session, room_id, moment).model_dump(mode="json")

    @rpc
    def compliance(self, venue_id: str, week: str) -> dict:
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            report = schedule.compliance(session, venue, week, self.settings.village_weekly_hours)
        return ComplianceReport.model_validate(report).model_dump(mode="json")

    @rpc
    def preview_compliance(self, actor: dict, venue_id: str, hours: dict, week: str) -> dict:
        """The compliance report the venue would have with these weekly hours (stored exceptions and
        closures kept): shown to the manager before saving. Changes nothing."""
        actor = actor_from(actor)
        data = model_or_422(OpeningHours, hours, "opening hours")
        with self.db.read() as session:
            report = schedule.proposed_compliance(
                session, actor, venue_id, data, week, self.settings.village_weekly_hours
            )
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
