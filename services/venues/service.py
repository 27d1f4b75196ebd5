"""venues: the venue network, rooms, opening hours, closures, bookings and registers.

The entrypoints live in `entrypoints/` by area; this class composes them with the dependencies
they share. The rules are in `domain/`, the rows and facts in the *_commands modules.
"""

from __future__ import annotations

from nameko.dependency_providers import Config

from contracts.venues import Venue
from kit.callers import Callers
from kit.database import Database
from kit.metrics import Metrics
from kit.request_context import RequestContext
from kit.rpc import rpc
from kit.service_settings import SettingsDependency
from services.venues.entrypoints.bookings import BookingEntrypoints
from services.venues.entrypoints.closures import ClosureEntrypoints
from services.venues.entrypoints.holds import HoldEntrypoints
from services.venues.entrypoints.hours import HoursEntrypoints
from services.venues.entrypoints.lending import LendingEntrypoints
from services.venues.entrypoints.network import NetworkEntrypoints
from services.venues.entrypoints.no_shows import NoShowEntrypoints
from services.venues.entrypoints.registers import RegisterEntrypoints
from services.venues.entrypoints.statutory_calendar import StatutoryCalendarEntrypoints
from services.venues.forgetting import ForgetsPeople
from services.venues.settings import VenuesSettings
from services.venues.tables import metadata


class VenuesService(
    NetworkEntrypoints,
    HoursEntrypoints,
    ClosureEntrypoints,
    BookingEntrypoints,
    HoldEntrypoints,
    RegisterEntrypoints,
    StatutoryCalendarEntrypoints,
    NoShowEntrypoints,
    ForgetsPeople,
    LendingEntrypoints,
):
    name = "venues"
    db = Database(metadata)
    caller = Callers()  # who is calling: the verified tokens of the call, not its actor argument (kit.callers)
    metrics = Metrics()
    request = RequestContext()  # the request id of every worker, in its logs and facts (kit.request_ids)
    config = Config()
    settings = SettingsDependency(VenuesSettings)

    @rpc
    def health(self):
        """`warnings` (still "ok"): e.g. a coming year whose statutory holidays nobody knows."""
        health = {"service": self.name, "status": "ok", **self.db.health()}
        try:
            health["warnings"] = self.calendar_warnings()
        except Exception as error:  # noqa: BLE001 - health answers whatever the calendar does
            health["warnings"] = [f"statutory calendar not checked: {error}"]
        return health


SERVICE = VenuesService
__all__ = ["SERVICE", "Venue"]
