"""E-mail and SMS delivery logs and resending (administrators)."""

from __future__ import annotations

from typing import get_args

from contracts.notifications import DeliveryStatus
from kit.boundary import (
    actor_from,
    choice_or_422,
    key_or_404,
    number_or_422,
    text_or_422,
)
from kit.clock import utcnow
from kit.rpc import rpc
from services.notifications import sender

DELIVERY_STATUSES = get_args(DeliveryStatus)


class DeliveriesEntrypoints:
    @rpc
    def message_deliveries(
        self,
        actor: dict,
        status: str | None = None,
        recipient: str | None = None,
        event_id: str | None = None,
        channel: str | None = None,
        limit: int = 100,
    ) -> list[dict]:
        """E-mail and SMS deliveries (administrators): what was sent, held, skipped, failed or unconfirmed."""
        sender.check_admin(actor_from(actor))
        filters = {
            "status": choice_or_422(status, "status", DELIVERY_STATUSES),
            "channel": choice_or_422(channel, "channel", ("email", "sms")),
            "recipient": text_or_422(recipient, "recipient", optional=True),
            "event_id": text_or_422(event_id, "event_id", 64, optional=True),
        }
        limit = number_or_422(limit, "limit", 1, 500)
        with self.db.read() as session:
            return sender.list_message_deliveries(session, limit=limit, **filters)

    @rpc
    def resend_message(self, actor: dict, delivery_id: str) -> dict:
        sender.check_admin(actor_from(actor))
        delivery_id = key_or_404(delivery_id, "delivery")
        with self.db.transaction() as tx:
            return sender.resend(tx.session, delivery_id, utcnow())
