"""Training records against the yearly 40 h, the service-hours log, organisers' ratings, star levels."""

from __future__ import annotations

from contracts.errors import Forbidden, Unprocessable
from contracts.volunteers import HoursEntryCreate, RatingCreate, TrainingCreate
from kit.boundary import actor_from, model_or_422
from kit.clock import local_today, utcnow
from kit.rpc import rpc
from services.volunteers import record_commands, record_queries, volunteer_queries
from services.volunteers.access import require_self_or_staff, require_staff


def _year(year) -> int:
    """The calendar year asked for, this year (district time) when none."""
    if year is None:
        return local_today(utcnow()).year
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise Unprocessable(f"year must be a whole number from 2000 to 2100, got {year!r}", {"year": year})
    return year


class RecordEntrypoints:
    @rpc
    def record_training(self, actor: dict, volunteer_id: str, training: dict) -> dict:
        actor = actor_from(actor)
        require_staff(actor, "record training")
        data = model_or_422(TrainingCreate, training, "training record")
        with self.db.transaction() as tx:
            return record_commands.record_training(tx, actor, volunteer_id, data, utcnow()).model_dump(mode="json")

    @rpc
    def training_summary(self, actor: dict, volunteer_id: str, year: int | None = None) -> dict:
        require_self_or_staff(actor_from(actor), volunteer_id, "see the training of")
        year = _year(year)
        with self.db.read() as session:
            volunteer_queries.existing_volunteer(session, volunteer_id)
            return record_queries.training_summary(session, volunteer_id, year).model_dump(mode="json")

    @rpc
    def training_report(
        self, actor: dict, year: int | None = None, town: str | None = None, village: str | None = None
    ) -> dict:
        require_staff(actor_from(actor), "see the training report")
        year = _year(year)
        with self.db.read() as session:
            return record_queries.training_report_of(session, year, town=town, village=village).model_dump(mode="json")

    @rpc
    def log_hours(self, actor: dict, volunteer_id: str, entry: dict) -> dict:
        """Service outside a dispatched event, logged by staff (event hours are credited automatically)."""
        actor = actor_from(actor)
        require_staff(actor, "log service hours")
        data = model_or_422(HoursEntryCreate, entry, "hours entry")
        with self.db.transaction() as tx:
            return record_commands.log_hours(
                tx, actor, volunteer_id, data, utcnow(), self.settings.volunteers.star_thresholds
            ).model_dump(mode="json")

    @rpc
    def hours_log(self, actor: dict, volunteer_id: str) -> dict:
        require_self_or_staff(actor_from(actor), volunteer_id, "see the hours of")
        vs = self.settings.volunteers
        with self.db.read() as session:
            volunteer_queries.existing_volunteer(session, volunteer_id)
            stars = volunteer_queries.stars_of(session, [volunteer_id], vs.star_thresholds)[volunteer_id]
            return record_queries.hours_log_of(
                session, volunteer_id, stars=stars, today=local_today(utcnow()), recent_days=vs.fair_share_days
            ).model_dump(mode="json")

    @rpc
    def rate_service(self, actor: dict, volunteer_id: str, rating: dict) -> dict:
        """The event's organiser rates a volunteer's service there, 1–5 (rating again replaces it)."""
        actor = actor_from(actor)
        if actor.role not in ("organiser", "admin"):
            raise Forbidden("The organiser of the event rates its volunteers' service.", {"role": actor.role})
        data = model_or_422(RatingCreate, rating, "rating")
        with self.db.transaction() as tx:
            rated = record_commands.rate_service(
                tx, actor, volunteer_id, data, utcnow(), self.settings.volunteers.star_thresholds
            )
        return rated.model_dump(mode="json")
