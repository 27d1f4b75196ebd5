"""A service's local copy of the venue facts it needs (event-carried state transfer).

events and volunteers both need a venue's name, level, town, village and coordinates without
asking venues every time (and without reading its tables): each keeps this table, fed by
`venue.registered` and `venue.updated` through the `FollowsVenues` entrypoints.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Column, Float, MetaData, String, Table, select

from contracts.envelope import Envelope
from contracts.venues import VenueRecord
from kit.clock import utcnow
from kit.events import handle_events
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


def remember_venue(session, table: Table, fact: VenueRecord) -> None:
    values = dict(
        name=fact.name,
        level=fact.level,
        town=fact.town,
        village=fact.village,
        lat=fact.coordinates.lat if fact.coordinates else None,
        lon=fact.coordinates.lon if fact.coordinates else None,
        updated_at=utcnow(),
    )
    if session.execute(select(table.c.venue_id).where(table.c.venue_id == fact.venue_id)).first():
        session.execute(table.update().where(table.c.venue_id == fact.venue_id).values(**values))
    else:
        session.execute(table.insert().values(venue_id=fact.venue_id, status="open", **values))


class FollowsVenues:
    """Service mixin: keeps the service's `venue_directory` table (set it on the class) in step with
    venue facts; each handler applies a batch of facts once (inbox), in delivery order, in one
    transaction of the service's own `db` (kit.events `handle_events`)."""

    venue_directory: Table
    db: Any  # the worker's unit of work (kit.unit_of_work, `self.db`)

    @handle_events("venues", "venue.registered")
    def on_venue_registered(self, events: list[Envelope]):
        self._remember(events)

    @handle_events("venues", "venue.updated")
    def on_venue_updated(self, events: list[Envelope]):
        self._remember(events)

    def _remember(self, events: list[Envelope]) -> None:
        with self.db.transaction() as tx:
            for event in tx.unapplied:
                remember_venue(tx.session, self.venue_directory, cast(VenueRecord, event.typed()))
