"""Training records against the yearly 40 h, the service-hours log, organisers' ratings, star levels."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from contracts.errors import Conflict, Forbidden, Unprocessable
from contracts.volunteers import HoursEntryCreate, RatingCreate, ServiceRating, TrainingCreate
from kit.database import utcnow
from kit.rpc import rpc
from services.volunteers import dispatching, records, service_records
from services.volunteers.access import actor_of, require_event_organiser, require_self_or_staff, require_staff
from services.volunteers.tables import hours_log, offers, service_ratings, training_records


def _year(year) -> int:
    """The calendar year asked for, this year (district time) when none."""
    if year is None:
        return service_records.local_today(utcnow()).year
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise Unprocessable(f"year must be a whole number from 2000 to 2100, got {year!r}", {"year": year})
    return year


class RecordEntrypoints:
    @rpc
    def record_training(self, actor: dict, volunteer_id: str, training: dict) -> dict:
        actor = actor_of(actor)
        require_staff(actor, "record training")
        data = TrainingCreate.model_validate(training)
        record_id = str(uuid.uuid4())
        with self.db.transaction() as tx:
            records.existing_volunteer(tx.session, volunteer_id)
            tx.session.execute(training_records.insert().values(
                id=record_id, volunteer_id=volunteer_id, course=data.course, provider=data.provider, hours=data.hours,
                trained_on=data.on, recorded_by=actor.sub, created_at=utcnow()))
            row = tx.session.execute(select(training_records).where(training_records.c.id == record_id)).first()
            return service_records.training_view(row).model_dump(mode="json")

    @rpc
    def training_summary(self, actor: dict, volunteer_id: str, year: int | None = None) -> dict:
        require_self_or_staff(actor_of(actor), volunteer_id, "see the training of")
        year = _year(year)
        with self.db.read() as session:
            records.existing_volunteer(session, volunteer_id)
            return service_records.training_summary(session, volunteer_id, year).model_dump(mode="json")

    @rpc
    def training_report(self, actor: dict, year: int | None = None, town: str | None = None,
                        village: str | None = None) -> dict:
        require_staff(actor_of(actor), "see the training report")
        year = _year(year)
        with self.db.read() as session:
            return service_records.training_report_of(session, year, town=town, village=village).model_dump(mode="json")

    @rpc
    def log_hours(self, actor: dict, volunteer_id: str, entry: dict) -> dict:
        """Service outside a dispatched event, logged by staff (event hours are credited automatically)."""
        actor = actor_of(actor)
        require_staff(actor, "log service hours")
        data = HoursEntryCreate.model_validate(entry)
        entry_id = str(uuid.uuid4())
        with self.db.transaction() as tx:
            records.existing_volunteer(tx.session, volunteer_id)
            tx.session.execute(hours_log.insert().values(
                id=entry_id, credit_key=f"manual/{entry_id}", volunteer_id=volunteer_id, event_id=None,
                event_title=None, hours=data.hours, served_on=data.on, source="manual", note=data.note,
                recorded_by=actor.sub, created_at=utcnow()))
            row = tx.session.execute(select(hours_log).where(hours_log.c.id == entry_id)).first()
            return service_records.hours_entry_view(row).model_dump(mode="json")

    @rpc
    def hours_log(self, actor: dict, volunteer_id: str) -> dict:
        require_self_or_staff(actor_of(actor), volunteer_id, "see the hours of")
        vs = self.settings.volunteers
        with self.db.read() as session:
            records.existing_volunteer(session, volunteer_id)
            stars = records.stars_of(session, [volunteer_id], vs.star_thresholds)[volunteer_id]
            return service_records.hours_log_of(session, volunteer_id, stars=stars,
                                                today=service_records.local_today(utcnow()),
                                                recent_days=vs.fair_share_days).model_dump(mode="json")

    @rpc
    def rate_service(self, actor: dict, volunteer_id: str, rating: dict) -> dict:
        """The event's organiser rates a volunteer's service there, 1–5 (rating again replaces it)."""
        actor = actor_of(actor)
        if actor.role not in ("organiser", "admin"):
            raise Forbidden("The organiser of the event rates its volunteers' service.", {"role": actor.role})
        data = RatingCreate.model_validate(rating)
        now = utcnow()
        with self.db.transaction() as tx:
            session = tx.session
            records.existing_volunteer(session, volunteer_id)
            drow = dispatching.current_dispatch(session, data.event_id)
            if drow is not None:
                require_event_organiser(actor, data.event_id, drow.organiser_id, "rate its volunteers")
            served = session.execute(select(hours_log.c.id).where(
                hours_log.c.event_id == data.event_id, hours_log.c.volunteer_id == volunteer_id)).first() or \
                session.execute(select(offers.c.id).where(offers.c.event_id == data.event_id,
                                                          offers.c.volunteer_id == volunteer_id,
                                                          offers.c.status == "accepted")).first()
            if not served:
                raise Conflict(f"{volunteer_id} did not serve at event {data.event_id}; only service can be rated.",
                               {"reason": "did_not_serve", "volunteer_id": volunteer_id, "event_id": data.event_id})
            key = (service_ratings.c.volunteer_id == volunteer_id) & (service_ratings.c.event_id == data.event_id)
            values = dict(rating=data.rating, comment=data.comment, rated_by=actor.sub, rated_at=now)
            if session.execute(select(service_ratings.c.rating).where(key)).first():
                session.execute(service_ratings.update().where(key).values(**values))
            else:
                session.execute(service_ratings.insert().values(volunteer_id=volunteer_id, event_id=data.event_id,
                                                                **values))
        return ServiceRating(volunteer_id=volunteer_id, **data.model_dump(), rated_by=actor.sub,
                             rated_at=now).model_dump(mode="json")
