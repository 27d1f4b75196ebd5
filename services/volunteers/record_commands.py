"""Writes of the records area: training, hours logged by staff, organisers' ratings of service."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select

from contracts.common import Actor
from contracts.errors import Conflict
from contracts.volunteers import (
    HoursEntry,
    HoursEntryCreate,
    HoursLogged,
    RatingCreate,
    ServiceRating,
    TrainingCreate,
    TrainingRecord,
    TrainingRecorded,
)
from services.volunteers import dispatch_commands, record_queries, star_commands, volunteer_queries
from services.volunteers.access import require_event_organiser
from services.volunteers.domain.recognition import NATIONAL_STAR_THRESHOLDS
from services.volunteers.tables import hours_log, offers, service_ratings, training_records


def record_training(tx, actor: Actor, volunteer_id: str, data: TrainingCreate, now: datetime) -> TrainingRecord:
    record_id = str(uuid.uuid4())
    volunteer = volunteer_queries.existing_volunteer(tx.session, volunteer_id)
    tx.session.execute(
        training_records.insert().values(
            id=record_id,
            volunteer_id=volunteer_id,
            course=data.course,
            provider=data.provider,
            hours=data.hours,
            trained_on=data.on,
            recorded_by=actor.sub,
            created_at=now,
        )
    )
    tx.emit(
        TrainingRecorded(
            volunteer_id=volunteer_id,
            course=data.course,
            provider=data.provider,
            hours=data.hours,
            on=data.on,
            town=volunteer.town,
            village=volunteer.village,
        ),
        subject=volunteer_id,
    )
    row = tx.session.execute(select(training_records).where(training_records.c.id == record_id)).first()
    return record_queries.training_view(row)


def log_hours(
    tx, actor: Actor, volunteer_id: str, data: HoursEntryCreate, now: datetime, thresholds=NATIONAL_STAR_THRESHOLDS
) -> HoursEntry:
    """Service outside a dispatched event, logged by staff (event hours are credited automatically)."""
    entry_id = str(uuid.uuid4())
    volunteer = volunteer_queries.existing_volunteer(tx.session, volunteer_id)
    stars = star_commands.stars_now(tx.session, [volunteer_id], thresholds)
    tx.session.execute(
        hours_log.insert().values(
            id=entry_id,
            credit_key=f"manual/{entry_id}",
            volunteer_id=volunteer_id,
            event_id=None,
            event_title=None,
            hours=data.hours,
            served_on=data.on,
            source="manual",
            note=data.note,
            recorded_by=actor.sub,
            created_at=now,
        )
    )
    total = tx.session.execute(
        select(func.sum(hours_log.c.hours)).where(hours_log.c.volunteer_id == volunteer_id)
    ).scalar_one()
    tx.emit(
        HoursLogged(
            volunteer_id=volunteer_id,
            hours=data.hours,
            on=data.on,
            total_hours=float(total),
            town=volunteer.town,
            village=volunteer.village,
        ),
        subject=volunteer_id,
    )
    star_commands.emit_changes(tx, stars, thresholds)
    row = tx.session.execute(select(hours_log).where(hours_log.c.id == entry_id)).first()
    return record_queries.hours_entry_view(row)


def served_at(session, volunteer_id: str, event_id: str) -> bool:
    """Hours credited for the event, or an accepted offer for it: only service can be rated."""
    credited = session.execute(
        select(hours_log.c.id).where(hours_log.c.event_id == event_id, hours_log.c.volunteer_id == volunteer_id)
    ).first()
    return bool(credited) or bool(
        session.execute(
            select(offers.c.id).where(
                offers.c.event_id == event_id, offers.c.volunteer_id == volunteer_id, offers.c.status == "accepted"
            )
        ).first()
    )


def rate_service(
    tx, actor: Actor, volunteer_id: str, data: RatingCreate, now: datetime, thresholds=NATIONAL_STAR_THRESHOLDS
) -> ServiceRating:
    """The event's organiser rates a volunteer's service there, 1–5 (rating again replaces it)."""
    session = tx.session
    volunteer_queries.existing_volunteer(session, volunteer_id)
    drow = dispatch_commands.current_dispatch(session, data.event_id)
    if drow is not None:
        require_event_organiser(actor, data.event_id, drow.organiser_id, "rate its volunteers")
    if not served_at(session, volunteer_id, data.event_id):
        raise Conflict(
            f"{volunteer_id} did not serve at event {data.event_id}; only service can be rated.",
            {"reason": "did_not_serve", "volunteer_id": volunteer_id, "event_id": data.event_id},
        )
    stars = star_commands.stars_now(session, [volunteer_id], thresholds)  # a low average withholds a star
    key = (service_ratings.c.volunteer_id == volunteer_id) & (service_ratings.c.event_id == data.event_id)
    values = dict(rating=data.rating, comment=data.comment, rated_by=actor.sub, rated_at=now)
    if session.execute(select(service_ratings.c.rating).where(key)).first():
        session.execute(service_ratings.update().where(key).values(**values))
    else:
        session.execute(service_ratings.insert().values(volunteer_id=volunteer_id, event_id=data.event_id, **values))
    star_commands.emit_changes(tx, stars, thresholds)
    return ServiceRating(volunteer_id=volunteer_id, **data.model_dump(), rated_by=actor.sub, rated_at=now)
