"""Events: draft → published → completed / cancelled; rescheduling; kept-back places; venue closures."""

from __future__ import annotations

import logging
from datetime import datetime

from contracts.envelope import Envelope
from contracts.errors import BadRequest
from kit.boundary import optional_actor
from kit.clock import day_start
from kit.events import handle_event
from kit.rpc import rpc
from kit.service_settings import every
from services.events import event_commands, queries
from services.events.settings import EventsSettings

log = logging.getLogger(__name__)


class EventEntrypoints:
    @rpc
    def create_event(self, actor: dict, event: dict) -> dict:
        return event_commands.create(self.db, self.venues, actor, event)

    @rpc
    def check_event_organiser(self, actor: dict, event_id: str) -> None:
        """403/404 unless the caller may change the event (the gateway asks before it reads a body)."""
        return event_commands.check_may_change(self.db, actor, event_id)

    @rpc
    def update_event(self, actor: dict, event_id: str, changes: dict) -> dict:
        return event_commands.update_event(self.db, self.venues, actor, event_id, changes)

    @rpc
    def publish_event(self, actor: dict, event_id: str) -> dict:
        return event_commands.publish(self.db, self.venues, actor, event_id)

    @rpc
    def reschedule_event(self, actor: dict, event_id: str, change: dict) -> dict:
        return event_commands.reschedule(self.db, self.venues, actor, event_id, change)

    @rpc
    def cancel_event(self, actor: dict, event_id: str, cancellation: dict) -> dict:
        return event_commands.cancel(self.db, self.venues, actor, event_id, cancellation)

    @rpc
    def complete_event(self, actor: dict, event_id: str) -> dict:
        return event_commands.complete(self.db, actor, event_id)

    @rpc
    def release_kept_back(self, actor: dict, event_id: str) -> dict:
        """Release the event's unused kept-back places now (instead of at its release time) and promote."""
        return event_commands.release_now(self.db, actor, event_id)

    @every(EventsSettings, "release_interval")
    def release_due_kept_back(self):
        """Every few seconds: events whose release time has come get their kept-back places released."""
        for result in event_commands.release_due(self.db):
            log.info(
                "released kept-back places of event %s (%s promoted)",
                result["event_id"],
                len(result["promoted_registration_ids"]),
            )

    @rpc
    def get_event(self, event_id: str, actor: dict | None = None) -> dict:
        with self.db.read() as session:
            return queries.get_event(session, optional_actor(actor), event_id)

    @rpc
    def list_events(
        self,
        actor: dict | None = None,
        status: str | None = None,
        venue_id: str | None = None,
        town: str | None = None,
        village: str | None = None,
        organiser_id: str | None = None,
        starts_after: str | None = None,
        starts_before: str | None = None,
        limit: int = 200,
    ) -> list:
        after, before = (
            _instant(starts_after, "starts_after"),
            _instant(starts_before, "starts_before"),
        )
        with self.db.read() as session:
            return queries.list_events(
                session,
                optional_actor(actor),
                status=status,
                venue_id=venue_id,
                town=town,
                village=village,
                organiser_id=organiser_id,
                starts_after=after,
                starts_before=before,
                limit=limit,
            )

    @handle_event("venues", "venue.closed")
    def on_venue_closed(self, event: Envelope):
        with self.db.transaction() as tx:
            affected = event_commands.on_venue_closed(tx, event.typed())
        if affected:
            log.info("venue closure %s affected events %s", event.subject, affected)


def _instant(value: str | None, field: str):
    """A filter bound: an ISO date-time, or a date meaning the start of that day in district time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"{field} must be an ISO 8601 date or date-time.", {"field": field}) from exc
    return moment if moment.tzinfo else day_start(moment.date())
