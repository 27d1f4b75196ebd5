"""venues: the venue network, rooms, opening hours, closures, bookings and registers.

The entrypoints live in `entrypoints/` by area; this class composes them with the dependencies
they share. The rules are in `domain/`, the rows and facts in the *_commands modules.
"""
from __future__ import annotations

import logging

from nameko.dependency_providers import Config
from kit.rpc import rpc

from contracts.venues import Venue
from contracts.errors import WenyunError
from kit.database import Database
from kit.metrics import Metrics
from services.venues.entrypoints.bookings import BookingEntrypoints
from services.venues.entrypoints.closures import ClosureEntrypoints
from services.venues.entrypoints.holds import HoldEntrypoints
from services.venues.entrypoints.hours import HoursEntrypoints
from services.venues.entrypoints.network import NetworkEntrypoints
from services.venues.entrypoints.registers import RegisterEntrypoints
from services.venues.tables import metadata


class RefusalsWithoutTracebacks(logging.Filter):
    """A refused request (409, 422, …) is an answer, not a failure: nameko logs it at INFO without a
    traceback, so a rush of refused bookings neither floods the log nor costs the CPU of formatting
    hundreds of tracebacks. Real errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], WenyunError):
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


logging.getLogger("nameko.containers").addFilter(RefusalsWithoutTracebacks())


class VenuesService(NetworkEntrypoints, HoursEntrypoints, ClosureEntrypoints, BookingEntrypoints, HoldEntrypoints,
                    RegisterEntrypoints):
    name = "venues"
    db = Database(metadata)
    metrics = Metrics()
    config = Config()

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}


SERVICE = VenuesService
__all__ = ["SERVICE", "Venue"]
