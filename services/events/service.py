"""events: cultural events, the menu and village orders, registrations, feedback (entrypoints only)."""
from __future__ import annotations

from nameko.rpc import rpc

from contracts.envelope import Envelope
from kit.database import Database
from kit.events import handle_event
from kit.metrics import Metrics
from services.events import venue_copy
from services.events.tables import metadata


class EventsService:
    name = "events"
    db = Database(metadata)
    metrics = Metrics()

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}

    @handle_event("venues", "venue.registered")
    def on_venue_registered(self, event: Envelope):
        with self.db.transaction() as tx:
            venue_copy.remember_venue(tx.session, event.typed())


SERVICE = EventsService
