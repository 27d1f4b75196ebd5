"""Closures of a venue or a room (seed 004): announced with a reason and an expected reopening; the
bookings inside are cancelled in the same transaction; reopening early or later is announced too."""

from __future__ import annotations

from contracts.venues import ClosureCreate, ClosureExtend, ClosureReopen, ClosureView
from kit.boundary import actor_from, model_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.venues import closure_commands, queries
from services.venues.access import require_manager


def _closure_view(session, row, venue) -> dict:
    room_name = queries.room_names(session, venue.id).get(row.room_id) if row.room_id else None
    view = closure_commands.view(row, venue, room_name, queries.cancelled_by_closure(session, row.id))
    return ClosureView.model_validate(view).model_dump(mode="json")


class ClosureEntrypoints:
    @rpc
    def create_closure(self, actor: dict, venue_id: str, closure: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(ClosureCreate, closure, "closure")
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            room = queries.room_of_venue_or_422(tx.session, venue, data.room_id or None)
            created = closure_commands.create(
                tx, actor.sub, venue, room, data.start, data.expected_reopening, data.reason
            )
        return self.get_closure(created["id"])

    @rpc
    def get_closure(self, closure_id: str) -> dict:
        with self.db.read() as session:
            row = queries.closure_row(session, closure_id)
            return _closure_view(session, row, queries.venue_row(session, row.venue_id))

    @rpc
    def list_closures(self, venue_id: str, include_past: bool = False) -> list[dict]:
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            rows = queries.closure_rows(session, venue_id, since=None if include_past else utcnow())
            return [_closure_view(session, row, venue) for row in rows]

    @rpc
    def reopen_closure(self, actor: dict, closure_id: str, reopen: dict | None = None) -> dict:
        actor = actor_from(actor)
        data = model_or_422(ClosureReopen, reopen, "reopening")
        with self.db.transaction() as tx:
            row = queries.closure_row(tx.session, closure_id, for_update=True)
            venue = queries.venue_row(tx.session, row.venue_id)
            require_manager(actor, venue.id, venue.name)
            room = queries.room_row(tx.session, row.room_id) if row.room_id else None
            closure_commands.reopen(tx, actor.sub, row, venue, room, data.at)
        return self.get_closure(closure_id)

    @rpc
    def extend_closure(self, actor: dict, closure_id: str, change: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(ClosureExtend, change, "closure change")
        with self.db.transaction() as tx:
            row = queries.closure_row(tx.session, closure_id, for_update=True)
            venue = queries.venue_row(tx.session, row.venue_id)
            require_manager(actor, venue.id, venue.name)
            room = queries.room_row(tx.session, row.room_id) if row.room_id else None
            closure_commands.extend(tx, actor.sub, row, venue, room, data.expected_reopening, data.reason)
        return self.get_closure(closure_id)
