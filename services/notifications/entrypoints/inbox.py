"""The inbox: one's messages, read and unread."""

from __future__ import annotations

from contracts.errors import Unprocessable
from kit.boundary import actor_from, key_or_404, number_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.notifications import inbox_commands, queries


class InboxEntrypoints:
    @rpc
    def inbox(self, actor: dict, limit: int = 50, unread_only: bool = False) -> list[dict]:
        actor = actor_from(actor)
        limit = number_or_422(limit, "limit", 1, 200)
        with self.db.read() as session:
            return queries.list_messages(session, actor, limit, unread_only is True)

    @rpc
    def mark_read(self, actor: dict, message_ids: list[str] | None = None) -> dict:
        """Mark messages read (all visible unread ones when `message_ids` is None)."""
        actor = actor_from(actor)
        if message_ids is not None:
            if not isinstance(message_ids, list) or len(message_ids) > 500:
                raise Unprocessable(
                    "message_ids must be a list of at most 500 message ids.",
                    {"field": "message_ids"},
                )
            message_ids = [key_or_404(i, "message in your inbox") for i in message_ids]
        with self.db.transaction() as tx:
            marked = inbox_commands.mark_read(tx.session, actor, message_ids, utcnow())
        return {"marked": marked}

    @rpc
    def read_message(self, actor: dict, message_id: str) -> dict:
        """Mark one message read for the caller and return it."""
        actor = actor_from(actor)
        message_id = key_or_404(message_id, "message in your inbox")
        with self.db.transaction() as tx:
            inbox_commands.mark_read(tx.session, actor, [message_id], utcnow())
            return queries.get_message(tx.session, actor, message_id)
