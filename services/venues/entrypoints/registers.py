"""The registers a venue keeps: visits per room and group (五簿一册) and the numbered asset ledger."""

from __future__ import annotations

from contracts.venues import Asset, AssetCreate, AssetUpdate, VisitEntry, VisitEntryCreate, VisitsReport
from kit.boundary import actor_from, date_or_422, model_or_422
from kit.rpc import rpc
from services.venues import queries
from services.venues import register_commands as commands
from services.venues.access import require_manager


class RegisterEntrypoints:
    @rpc
    def record_visits(self, actor: dict, venue_id: str, entry: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(VisitEntryCreate, entry, "visit entry")
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            recorded = commands.record_visits(tx, actor.sub, venue, data)
        return VisitEntry.model_validate(recorded).model_dump(mode="json")

    @rpc
    def visits_report(self, actor: dict, venue_id: str, start: str, end: str) -> dict:
        actor = actor_from(actor)
        first, last = date_or_422(start, "from"), date_or_422(end, "to")
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            require_manager(actor, venue.id, venue.name)
            report = commands.visits_report(session, venue, first, last)
        return VisitsReport.model_validate(report).model_dump(mode="json")

    @rpc
    def register_asset(self, actor: dict, venue_id: str, asset: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(AssetCreate, asset, "asset")
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            values = commands.register_asset(tx.session, actor.sub, venue, data)
            names = queries.room_names(tx.session, venue.id)
        return queries.asset_view(values, names).model_dump(mode="json")

    @rpc
    def list_assets(self, actor: dict, venue_id: str, condition: str | None = None) -> list[dict]:
        """The ledger; condition="faulty" lists the faulty items."""
        actor = actor_from(actor)
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            require_manager(actor, venue.id, venue.name)
            names = queries.room_names(session, venue.id)
            rows = commands.asset_rows(session, venue.id, condition)
        return [queries.asset_view(row, names).model_dump(mode="json") for row in rows]

    @rpc
    def update_asset(self, actor: dict, asset_id: str, changes: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(AssetUpdate, changes, "asset")
        with self.db.transaction() as tx:
            row = queries.asset_row(tx.session, asset_id, for_update=True)
            venue = queries.venue_row(tx.session, row.venue_id)
            require_manager(actor, venue.id, venue.name)
            values = commands.update_asset(tx.session, row, venue, data)
            names = queries.room_names(tx.session, venue.id)
        return Asset.model_validate(queries.asset_view(values, names)).model_dump(mode="json")
