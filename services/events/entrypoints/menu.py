"""The menu of offerings and village orders."""

from __future__ import annotations

from kit.boundary import signed_in
from kit.rpc import rpc
from services.events import menu_commands, queries

ORDER_ROLES = ("organiser", "venue_manager")  # (and the administrator)


class MenuEntrypoints:
    @rpc
    def create_offering(self, actor: dict, offering: dict) -> dict:
        return menu_commands.create_offering(self.db, actor, offering)

    @rpc
    def check_offering_owner(self, actor: dict, offering_id: str) -> None:
        """403/404 unless the caller may change the offering (the gateway asks before it reads a body)."""
        return menu_commands.check_may_change_offering(self.db, actor, offering_id)

    @rpc
    def update_offering(self, actor: dict, offering_id: str, changes: dict) -> dict:
        return menu_commands.update_offering(self.db, actor, offering_id, changes)

    @rpc
    def list_offerings(self, available_only: bool = False) -> list:
        with self.db.read() as session:
            return queries.list_offerings(session, available_only)

    @rpc
    def get_offering(self, offering_id: str) -> dict:
        with self.db.read() as session:
            return queries.get_offering(session, offering_id)

    @rpc
    def menu_demand(self, threshold: int | None = None) -> dict:
        with self.db.read() as session:
            return queries.menu_demand(session, threshold or self.settings.rarely_ordered_threshold)

    @rpc
    def place_order(self, actor: dict, order: dict) -> dict:
        return menu_commands.place(self.db, self.venues, actor, order)

    @rpc
    def schedule_order(self, actor: dict, order_id: str, schedule: dict) -> dict:
        return menu_commands.schedule(self.db, self.venues, actor, order_id, schedule)

    @rpc
    def decline_order(self, actor: dict, order_id: str, decline: dict) -> dict:
        return menu_commands.decline(self.db, actor, order_id, decline)

    @rpc
    def withdraw_order(self, actor: dict, order_id: str) -> dict:
        return menu_commands.withdraw(self.db, actor, order_id)

    @rpc
    def get_order(self, actor: dict, order_id: str) -> dict:
        actor = signed_in(actor, *ORDER_ROLES)
        with self.db.read() as session:
            return queries.get_order(session, actor, order_id)

    @rpc
    def list_orders(self, actor: dict, status: str | None = None, venue_id: str | None = None) -> list:
        actor = signed_in(actor, *ORDER_ROLES)
        with self.db.read() as session:
            return queries.list_orders(session, actor, status, venue_id)
