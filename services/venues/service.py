"""venues: the venue network, rooms, opening hours, closures and bookings (entrypoints only)."""
from __future__ import annotations

import uuid

from nameko.rpc import rpc

from contracts.common import Actor
from contracts.errors import Forbidden, NotFound
from contracts.venues import Venue, VenueCreate, VenueRegistered
from kit.database import Database, utcnow
from kit.metrics import Metrics
from services.venues import queries
from services.venues.tables import metadata, venues


class VenuesService:
    name = "venues"
    db = Database(metadata)
    metrics = Metrics()

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}

    @rpc
    def register_venue(self, actor: dict, venue: dict) -> dict:
        actor = Actor.model_validate(actor)
        if actor.role != "admin":
            raise Forbidden("Only the district administrator registers venues.")
        data = VenueCreate.model_validate(venue)
        venue_id = str(uuid.uuid4())
        with self.db.transaction() as tx:
            if data.parent_id and queries.venue_row(tx.session, data.parent_id) is None:
                raise NotFound(f"Parent venue {data.parent_id} does not exist.", {"parent_id": data.parent_id})
            tx.session.execute(venues.insert().values(
                id=venue_id, created_by=actor.sub, created_at=utcnow(), status="open",
                **queries.venue_columns(data),
            ))
            tx.emit(VenueRegistered(venue_id=venue_id, registered_by=actor.sub,
                                    **data.model_dump(include=set(VenueRegistered.model_fields))), subject=venue_id)
        return self.get_venue(venue_id)

    @rpc
    def get_venue(self, venue_id: str) -> dict:
        with self.db.read() as session:
            row = queries.venue_row(session, venue_id)
        if row is None:
            raise NotFound(f"Venue {venue_id} does not exist.", {"venue_id": venue_id})
        return queries.venue_view(row).model_dump(mode="json")

    @rpc
    def list_venues(self, level: str | None = None, parent_id: str | None = None) -> list[dict]:
        with self.db.read() as session:
            rows = queries.venue_rows(session, level=level, parent_id=parent_id)
        return [queries.venue_view(r).model_dump(mode="json") for r in rows]


SERVICE = VenuesService
__all__ = ["SERVICE", "Venue"]
