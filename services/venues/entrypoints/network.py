"""The venue network (总分馆) and its rooms; lookups for other services; the 嘉平镇 demo data."""

from __future__ import annotations

from contracts.venues import RoomCreate, RoomUpdate, SeedResult, VenueCreate, VenueUpdate
from kit.boundary import actor_from, model_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.venues import network_commands, queries, seed
from services.venues.access import require_admin, require_manager


class NetworkEntrypoints:
    @rpc
    def register_venue(self, actor: dict, venue: dict) -> dict:
        actor = actor_from(actor)
        require_admin(actor, "registers venues")
        data = model_or_422(VenueCreate, venue, "venue")
        with self.db.transaction() as tx:
            venue_id = network_commands.insert_venue(tx, actor.sub, data)
        return self.get_venue(venue_id)

    @rpc
    def get_venue(self, venue_id: str) -> dict:
        with self.db.read() as session:
            row, closed = queries.venue_with_closure_or_404(session, venue_id, utcnow())
        return queries.venue_view(row, closed).model_dump(mode="json")

    @rpc
    def list_venues(self, level: str | None = None, parent_id: str | None = None) -> list[dict]:
        with self.db.read() as session:
            rows = queries.venue_rows(session, level=level, parent_id=parent_id)
            closed = queries.closed_venue_ids(session, utcnow())
        return [queries.venue_view(r, r.id in closed).model_dump(mode="json") for r in rows]

    @rpc
    def update_venue(self, actor: dict, venue_id: str, changes: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(VenueUpdate, changes, "venue")
        if "parent_id" in data.model_fields_set:
            require_admin(actor, "moves a venue within the network (parent_id)")
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            network_commands.update_venue(tx, actor.sub, venue, data)
        return self.get_venue(venue_id)

    @rpc
    def create_room(self, actor: dict, venue_id: str, room: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(RoomCreate, room, "room")
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            room_id = network_commands.insert_room(tx, actor.sub, venue, data)
        return self.room_details(room_id)

    @rpc
    def update_room(self, actor: dict, room_id: str, changes: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(RoomUpdate, changes, "room")
        with self.db.transaction() as tx:
            room = queries.room_or_404(tx.session, room_id, for_update=True)
            venue = queries.venue_row(tx.session, room.venue_id)
            require_manager(actor, venue.id, venue.name)
            network_commands.update_room(tx, room, venue, data)
        return self.room_details(room_id)

    @rpc
    def list_rooms(self, venue_id: str) -> list[dict]:
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            moment = utcnow()
            closed = queries.closed_room_ids(session, venue_id, moment)
            venue_closed = queries.venue_closed_at(session, venue_id, moment)
            rows = queries.room_rows(session, venue_id)
        return [queries.room_view(r, venue, venue_closed or r.id in closed).model_dump(mode="json") for r in rows]

    @rpc
    def room_details(self, room_id: str) -> dict:
        with self.db.read() as session:
            room = queries.room_or_404(session, room_id)
            venue = queries.venue_row(session, room.venue_id)
            moment = utcnow()
            closed = queries.venue_closed_at(session, venue.id, moment) or room.id in queries.closed_room_ids(
                session, venue.id, moment
            )
        return queries.room_view(room, venue, closed).model_dump(mode="json")

    @rpc
    def get_room(self, room_id: str) -> dict:
        """For other services: {id, venue_id, venue_name, name, capacity, town, village, coordinates,
        booking_policy}."""
        with self.db.read() as session:
            room = queries.room_or_404(session, str(room_id))
            venue = queries.venue_row(session, room.venue_id)
        return queries.room_lookup(room, venue).model_dump(mode="json")

    @rpc
    def seed_demo(self, actor: dict) -> dict:
        """Load the 嘉平镇 centre of seed 000 (and its parent 江津区文化馆); running it again creates nothing."""
        actor = actor_from(actor)
        require_admin(actor, "loads demo data")
        with self.db.transaction() as tx:
            result = seed.seed_demo(tx, actor.sub)
        return SeedResult.model_validate(result).model_dump(mode="json")
