"""events: cultural events, the menu and village orders, registrations, feedback (entrypoints only).

Each entrypoint hands its validated work to a command module (event_commands, registration_commands,
menu_commands) or a query (queries); those write the state change and its facts in one transaction.
"""
from __future__ import annotations

import logging
from datetime import datetime

from nameko.dependency_providers import Config
from nameko.timer import timer

from contracts.envelope import Envelope
from contracts.errors import BadRequest
from kit.database import Database
from kit.events import handle_event
from kit.metrics import Metrics
from kit.rpc import rpc, TimedRpcProxy
from kit.settings import get_settings
from kit.venue_directory import FollowsVenues
from services.events.forgetting import ForgetsPeople
from services.events import event_commands, menu_commands, queries, registration_commands
from services.events.boundary import actor_of, domain_errors, local_day_start
from services.events.domain import festivals
from services.events.entrypoints.planning import PlanningEntrypoints
from services.events.entrypoints.venue_holds import VenueHoldEntrypoints
from services.events.entrypoints.walk_in_feedback import WalkInFeedbackEntrypoints
from services.events.settings import SETTINGS
from services.events.tables import metadata, venue_directory

log = logging.getLogger(__name__)


class EventEntrypoints:
    """Events: draft → published → completed / cancelled; rescheduling; kept-back places."""

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

    @timer(interval=SETTINGS.release_interval)
    def release_due_kept_back(self):
        """Every few seconds: events whose release time has come get their kept-back places released."""
        for result in event_commands.release_due(self.db):
            log.info("released kept-back places of event %s (%s promoted)", result["event_id"],
                     len(result["promoted_registration_ids"]))

    @rpc
    def get_event(self, event_id: str, actor: dict | None = None) -> dict:
        with self.db.read() as session:
            return queries.get_event(session, actor_of(actor), event_id)

    @rpc
    def list_events(self, actor: dict | None = None, status: str | None = None, venue_id: str | None = None,
                    town: str | None = None, village: str | None = None, organiser_id: str | None = None,
                    starts_after: str | None = None, starts_before: str | None = None, limit: int = 200) -> list:
        after, before = _instant(starts_after, "starts_after"), _instant(starts_before, "starts_before")
        with self.db.read() as session:
            return queries.list_events(session, actor_of(actor), status=status, venue_id=venue_id, town=town,
                                       village=village, organiser_id=organiser_id, starts_after=after,
                                       starts_before=before, limit=limit)

    @handle_event("venues", "venue.closed")
    def on_venue_closed(self, event: Envelope):
        with self.db.transaction() as tx:
            affected = event_commands.on_venue_closed(tx, event.typed())
        if affected:
            log.info("venue closure %s affected events %s", event.subject, affected)


class RegistrationEntrypoints:
    """Registrations (online, phone, desk, on behalf), waitlist promotion, check-in, no-shows, feedback."""

    @rpc
    def register(self, actor: dict, event_id: str, registration: dict) -> dict:
        return registration_commands.register(self.db, actor, event_id, registration)

    @rpc
    def cancel_registration(self, actor: dict, registration_id: str, cancellation: dict | None = None) -> dict:
        return registration_commands.cancel(self.db, actor, registration_id, cancellation)

    @rpc
    def check_in(self, actor: dict, registration_id: str) -> dict:
        return registration_commands.check_in(self.db, actor, registration_id)

    @rpc
    def mark_no_show(self, actor: dict, registration_id: str) -> dict:
        return registration_commands.no_show(self.db, actor, registration_id)

    @rpc
    def get_registration(self, actor: dict, registration_id: str) -> dict:
        return registration_commands.get(self.db, actor, registration_id)

    @rpc
    def list_registrations(self, actor: dict, event_id: str, status: str | None = None) -> list:
        return registration_commands.for_event(self.db, actor, event_id, status)

    @rpc
    def my_registrations(self, actor: dict) -> list:
        return registration_commands.mine(self.db, actor)

    @rpc
    def give_feedback(self, actor: dict, registration_id: str, feedback: dict) -> dict:
        return registration_commands.give_feedback(self.db, actor, registration_id, feedback)

    @rpc
    def satisfaction(self, scope: str, key: str) -> dict:
        """Satisfaction figures per event, offering or organiser."""
        with self.db.read() as session:
            return queries.satisfaction_view(session, scope, key)


class MenuEntrypoints:
    """The menu of offerings and village orders."""

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
        return menu_commands.list_offerings(self.db, available_only)

    @rpc
    def get_offering(self, offering_id: str) -> dict:
        return menu_commands.get_offering(self.db, offering_id)

    @rpc
    def menu_demand(self, threshold: int | None = None) -> dict:
        return menu_commands.menu_demand(self.db, threshold or SETTINGS.rarely_ordered_threshold)

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
        return menu_commands.get_order(self.db, actor, order_id)

    @rpc
    def list_orders(self, actor: dict, status: str | None = None, venue_id: str | None = None) -> list:
        return menu_commands.list_orders(self.db, actor, status, venue_id)


class PublicEntrypoints:
    """What anyone may read: the notice board, the calendar feeds, festival dates."""

    @rpc
    def notice_board(self, venue_id: str | None = None, town: str | None = None, village: str | None = None) -> dict:
        with self.db.read() as session:
            return queries.notice_board_view(session, venue_id=venue_id, town=town, village=village)

    @rpc
    def calendar_feed(self, scope: str, key: str) -> str:
        """RFC 5545 text of the feed of a venue, town or village."""
        settings = self.config.get("WENYUN_SETTINGS") or get_settings()
        with self.db.read() as session:
            return queries.calendar_ics(session, scope, key, settings.event_page_url)

    @rpc
    def festival_days(self, year: int) -> list:
        """The festivals of a year with their dates (lunar ones computed) and seasons."""
        with domain_errors():
            seasons = sorted((festivals.festival_season(f, year) for f in festivals.Festival),
                             key=lambda s: s.festival_day)
        return [{"festival": s.festival.value, "day": s.festival_day.isoformat(),
                 "season_first_day": s.first_day.isoformat(), "season_last_day": s.last_day.isoformat()}
                for s in seasons]


class EventsService(EventEntrypoints, RegistrationEntrypoints, MenuEntrypoints, PublicEntrypoints, FollowsVenues,
                    PlanningEntrypoints, VenueHoldEntrypoints, WalkInFeedbackEntrypoints, ForgetsPeople):
    name = "events"
    db = Database(metadata)
    metrics = Metrics()
    config = Config()
    venues = TimedRpcProxy("venues", timeout=SETTINGS.venues_timeout)
    venue_directory = venue_directory  # venue names for the notice board and feeds

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}


def _instant(value: str | None, field: str):
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"{field} must be an ISO 8601 date or date-time.", {"field": field}) from exc
    return moment if moment.tzinfo else local_day_start(moment.date())


SERVICE = EventsService
