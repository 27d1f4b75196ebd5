"""events: cultural events, the menu and village orders, registrations, feedback.

The entrypoints live in `entrypoints/` by area; this class composes them with the dependencies they
share. Writes (and their facts) are in the *_commands modules, reads in queries.py, rules in domain/.
"""

from __future__ import annotations

from nameko.dependency_providers import Config

from kit.callers import Callers
from kit.database import Database
from kit.metrics import Metrics
from kit.request_context import RequestContext
from kit.rpc import TimedRpcProxy, rpc
from kit.service_settings import SettingsDependency
from kit.venue_directory import FollowsVenues
from services.events.entrypoints.events import EventEntrypoints
from services.events.entrypoints.menu import MenuEntrypoints
from services.events.entrypoints.planning import PlanningEntrypoints
from services.events.entrypoints.public import PublicEntrypoints
from services.events.entrypoints.registrations import RegistrationEntrypoints
from services.events.entrypoints.venue_holds import VenueHoldEntrypoints
from services.events.entrypoints.walk_in_feedback import WalkInFeedbackEntrypoints
from services.events.forgetting import ForgetsPeople
from services.events.settings import EventsSettings
from services.events.tables import metadata, venue_directory


class EventsService(
    EventEntrypoints,
    RegistrationEntrypoints,
    MenuEntrypoints,
    PublicEntrypoints,
    FollowsVenues,
    PlanningEntrypoints,
    VenueHoldEntrypoints,
    WalkInFeedbackEntrypoints,
    ForgetsPeople,
):
    name = "events"
    db = Database(metadata)
    caller = Callers()  # who is calling: the verified tokens of the call, not its actor argument (kit.callers)
    metrics = Metrics()
    request = RequestContext()  # the request id of every worker, in its logs and facts (kit.request_ids)
    config = Config()
    settings = SettingsDependency(EventsSettings)
    # The proxy is built with the class, so its timeout is read from the environment at import.
    venues = TimedRpcProxy("venues", timeout=EventsSettings().venues_timeout)
    venue_directory = venue_directory  # venue names for the notice board and feeds

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}


SERVICE = EventsService
