"""The signed-in person's own account."""
from __future__ import annotations

from kit.rpc import rpc
from services.accounts import inputs, queries


class MeEntrypoints:
    @rpc
    def me(self, actor: dict) -> dict:
        who = inputs.actor(actor)
        with self.db.read() as session:
            return queries.account_view(session, queries.account_row(session, who.sub)).model_dump(mode="json")
