"""volunteers: volunteers, teams, training and hours, dispatch to events (entrypoints only).

The entrypoints live in `entrypoints/` by area and are mixed in here; rules are in `domain/`, rows and
queries in the plain modules next to this file.
"""

from __future__ import annotations

from kit.callers import Callers
from kit.database import Database
from kit.metrics import Metrics
from kit.request_context import RequestContext
from kit.rpc import rpc
from kit.venue_directory import FollowsVenues
from services.volunteers.entrypoints.dispatch import DispatchEntrypoints
from services.volunteers.entrypoints.profiles import ProfileEntrypoints
from services.volunteers.entrypoints.records import RecordEntrypoints
from services.volunteers.entrypoints.teams import TeamEntrypoints
from services.volunteers.forgetting import ForgetsPeople
from services.volunteers.settings import Settings
from services.volunteers.tables import metadata, venue_directory


class VolunteersService(
    ProfileEntrypoints, TeamEntrypoints, RecordEntrypoints, DispatchEntrypoints, FollowsVenues, ForgetsPeople
):
    name = "volunteers"
    db = Database(metadata)
    caller = Callers()  # who is calling: the verified tokens of the call, not its actor argument (kit.callers)
    metrics = Metrics()
    request = RequestContext()  # the request id of every worker, in its logs and facts (kit.request_ids)
    settings = Settings()
    venue_directory = venue_directory  # venue coordinates feed the distance part of dispatch ranking

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}


SERVICE = VolunteersService
