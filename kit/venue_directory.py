"""A service's local copy of the venue facts it needs (event-carried state transfer).

events and volunteers both need a venue's name, level, town, village and coordinates without
asking venues every time (and without reading its tables): each keeps this table, fed by
`venue.registered` and `venue.updated`.
"""
from __future__ import annotations

from sqlalchemy import Column, Float, MetaData, String, Table, select

from contracts.venues import VenueRecord
from kit.tables import UtcDateTime


def venue_directory_table(metadata: MetaData) -> Table:
    return Table(
        "venue_directory",
        metadata,
        Column("venue_id", String(36), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("level", String(20), nullable=False),
        Column("town", String(100)),
        Column("village", String(100)),
        Column("lat", Float),
        Column("lon", Float),
        Column("status", String(20), nullable=False, default="open"),
        Column("updated_at", UtcDateTime(), nullable=False),
    )


def remember_venue(session, table: Table, fact: VenueRecord, at) -> None:
    values = dict(
        name=fact.name, level=fact.level, town=fact.town, village=fact.village,
        lat=fact.coordinates.lat if fact.coordinates else None,
        lon=fact.coordinates.lon if fact.coordinates else None,
        updated_at=at,
    )
    if session.execute(select(table.c.venue_id).where(table.c.venue_id == fact.venue_id)).first():
        session.execute(table.update().where(table.c.venue_id == fact.venue_id).values(**values))
    else:
        session.execute(table.insert().values(venue_id=fact.venue_id, status="open", **values))
