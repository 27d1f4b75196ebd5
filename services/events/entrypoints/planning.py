"""Season plans (送文化下乡): draft, review (pin / remove), re-solve, publish — thin RPC entrypoints."""
from __future__ import annotations

from kit.rpc import rpc
from services.events import planning_commands


class PlanningEntrypoints:
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
