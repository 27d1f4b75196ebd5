"""Facts from venues about the rooms events hold: a hold the venue rejects or cancels (outside a closure)."""

from __future__ import annotations

import logging

from contracts.envelope import Envelope
from kit.events import handle_event
from services.events import hold_commands

log = logging.getLogger(__name__)


class VenueHoldEntrypoints:
    @handle_event("venues", "booking.rejected")
    def on_booking_rejected(self, event: Envelope):
        self._hold_lost(event, "booking.rejected")

    @handle_event("venues", "booking.cancelled")
    def on_booking_cancelled(self, event: Envelope):
        self._hold_lost(event, "booking.cancelled")

    def _hold_lost(self, event: Envelope, event_type: str) -> None:
        fact = event.typed()
        if not fact.event_id:
            return  # an ordinary booking: nothing to do with events (no transaction, no inbox row)
        with self.db.transaction() as tx:
            displaced = hold_commands.on_hold_lost(tx, fact, event_type)
        if displaced:
            log.info("room hold %s lost (%s): events %s must be rescheduled", fact.booking_id, event_type, displaced)
