"""Keeps the local venue directory in step with venue facts."""
from __future__ import annotations

from sqlalchemy import select

from contracts.venues import VenueRegistered
from kit.database import utcnow
from services.volunteers.tables import venue_directory


def remember_venue(session, fact: VenueRegistered) -> None:
    values = dict(
        name=fact.name, level=fact.level, town=fact.town, village=fact.village,
        lat=fact.coordinates.lat if fact.coordinates else None,
        lon=fact.coordinates.lon if fact.coordinates else None,
        status="open", updated_at=utcnow(),
    )
    exists = session.execute(select(venue_directory.c.venue_id).where(venue_directory.c.venue_id == fact.venue_id)).first()
    if exists:
        session.execute(venue_directory.update().where(venue_directory.c.venue_id == fact.venue_id).values(**values))
    else:
        session.execute(venue_directory.insert().values(venue_id=fact.venue_id, **values))
