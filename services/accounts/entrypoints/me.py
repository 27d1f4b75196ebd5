"""The signed-in person's own account."""

from __future__ import annotations

from contracts.accounts import DependantCreate
from kit.boundary import actor_from, model_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.accounts import closing_commands, dependant_commands, inputs, queries


class MeEntrypoints:
    @rpc
    def me(self, actor: dict) -> dict:
        who = actor_from(actor)
        with self.db.read() as session:
            return queries.account_view(session, queries.account_row(session, who.sub)).model_dump(mode="json")

    @rpc
    def link_dependant(self, actor: dict, dependant: dict, client_ip: str | None = None) -> dict:
        """Link a dependant; the next token (after a refresh) carries `dependant:<id>`."""
        who = actor_from(actor)
        data = model_or_422(DependantCreate, dependant, "dependant")
        with self.db.transaction() as tx:
            return dependant_commands.link(tx, who.sub, data, inputs.client_ip(client_ip), utcnow())

    @rpc
    def export_my_data(self, actor: dict) -> dict:
        who = actor_from(actor)
        with self.db.read() as session:
            return closing_commands.export(session, who.sub)

    @rpc
    def close_account(self, actor: dict, client_ip: str | None = None) -> None:
        who = actor_from(actor)
        with self.db.transaction() as tx:
            closing_commands.close(tx, who.sub, inputs.client_ip(client_ip), utcnow())
