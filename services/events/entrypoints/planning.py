"""Season plans (送文化下乡): draft, review (pin / remove), re-solve, publish — thin RPC entrypoints."""

from __future__ import annotations

from contracts.envelope import Envelope
from kit.events import handle_event
from kit.rpc import rpc
from services.events import planning_commands


class PlanningEntrypoints:
    @handle_event("venues", "venue.closed")
    def remember_site_closure(self, event: Envelope):
        """Whole-venue closures, so the planner keeps shows out of them."""
        with self.db.transaction() as tx:
            planning_commands.remember_closure(tx, event.typed())

    @handle_event("venues", "venue.reopened")
    def remember_site_reopening(self, event: Envelope):
        with self.db.transaction() as tx:
            planning_commands.remember_reopening(tx, event.typed())

    @rpc
    def create_season_plan(self, actor: dict, plan: dict) -> dict:
        return planning_commands.create(self.db, actor, plan)

    @rpc
    def get_season_plan(self, actor: dict, plan_id: str) -> dict:
        return planning_commands.get(self.db, actor, plan_id)

    @rpc
    def pin_season_plan_item(self, actor: dict, plan_id: str, item_id: str, pinned: bool = True) -> dict:
        return planning_commands.change_item(self.db, actor, plan_id, item_id, pinned=bool(pinned))

    @rpc
    def remove_season_plan_item(self, actor: dict, plan_id: str, item_id: str) -> dict:
        return planning_commands.change_item(self.db, actor, plan_id, item_id, removed=True)

    @rpc
    def resolve_season_plan(self, actor: dict, plan_id: str, resolve: dict | None = None) -> dict:
        return planning_commands.resolve(self.db, actor, plan_id, resolve)

    @rpc
    def publish_season_plan(self, actor: dict, plan_id: str) -> dict:
        return planning_commands.publish(self.db, actor, plan_id)
