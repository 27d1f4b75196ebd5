"""volunteers: volunteers, teams, training and hours, dispatch to events (entrypoints only).

The entrypoints live in `entrypoints/` by area and are mixed in here; rules are in `domain/`, rows and
queries in the plain modules next to this file.
"""
from __future__ import annotations


from contracts.envelope import Envelope
from kit.database import Database, utcnow
from kit.events import handle_event
from kit.metrics import Metrics
from kit.rpc import rpc
from kit.venue_directory import remember_venue
from services.volunteers.entrypoints.dispatch import DispatchEntrypoints
from services.volunteers.entrypoints.profiles import ProfileEntrypoints
from services.volunteers.entrypoints.records import RecordEntrypoints
from services.volunteers.entrypoints.teams import TeamEntrypoints
from services.volunteers.settings import Settings
from services.volunteers.tables import metadata, venue_directory


class VolunteersService(ProfileEntrypoints, TeamEntrypoints, RecordEntrypoints, DispatchEntrypoints):
    name = "volunteers"
    db = Database(metadata)
    metrics = Metrics()
    settings = Settings()

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}

    @handle_event("venues", "venue.registered")
    def on_venue_registered(self, event: Envelope):
        # Venue coordinates feed the distance part of dispatch ranking.
        with self.db.transaction() as tx:
            remember_venue(tx.session, venue_directory, event.typed(), utcnow())

    @handle_event("venues", "venue.updated")
    def on_venue_updated(self, event: Envelope):
        with self.db.transaction() as tx:
            remember_venue(tx.session, venue_directory, event.typed(), utcnow())


SERVICE = VolunteersService
