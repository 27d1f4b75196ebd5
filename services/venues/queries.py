"""Row ↔ contract mapping and the read queries of the venues database."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.common import Coordinates
from contracts.venues import Venue, VenueCreate
from services.venues.tables import venues


def venue_columns(data: VenueCreate) -> dict:
    values = data.model_dump(exclude={"coordinates"})
    values["lat"] = data.coordinates.lat if data.coordinates else None
    values["lon"] = data.coordinates.lon if data.coordinates else None
    return values


def venue_row(session: Session, venue_id: str):
    return session.execute(select(venues).where(venues.c.id == venue_id)).first()


def venue_rows(session: Session, level: str | None = None, parent_id: str | None = None):
    query = select(venues).order_by(venues.c.created_at, venues.c.name)
    if level:
        query = query.where(venues.c.level == level)
    if parent_id:
        query = query.where(venues.c.parent_id == parent_id)
    return session.execute(query).all()


def venue_view(row) -> Venue:
    values = dict(row._mapping)
    lat, lon = values.pop("lat"), values.pop("lon")
    values.pop("created_by", None)
    values["coordinates"] = Coordinates(lat=lat, lon=lon) if lat is not None and lon is not None else None
    return Venue.model_validate(values)
