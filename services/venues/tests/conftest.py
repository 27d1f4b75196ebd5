"""Fixtures of the venues service tests: the real container (real broker, SQLite and PostgreSQL),
the 嘉平镇 demo data, and an outside subscriber bound to venues.events (as another district system)."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
from kombu import Connection, Queue

from kit.bus import events_exchange
from services.venues.service import VenuesService
from tests.callers import signed_hook

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}
RESIDENT = {"sub": "resident-1", "role": "resident", "scopes": [], "name": "王秀英"}
ORGANISER = {"sub": "organiser-1", "role": "organiser", "scopes": ["org:org-1"], "name": "江津区文化馆"}
EVENTS_ASKS = ("hold_room", "move_hold", "release_hold")
ORGANISATION = {"booker_kind": "organisation", "organisation_id": "org-1"}  # ORGANISER is a member of org-1


def manager_of(venue_id: str, sub: str = "manager-1") -> dict:
    return {"sub": sub, "role": "venue_manager", "scopes": [f"venue:{venue_id}"], "name": "程必群"}


def at(day: dt.date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}:00+08:00"


def future_weekday(weekday: int, weeks_ahead: int = 2) -> dt.date:
    """A date of that weekday at least `weeks_ahead` weeks from today that is no statutory holiday
    or adjusted working day (so the regular hours apply whatever day the tests run)."""
    import chinese_calendar

    day = dt.date.today() + dt.timedelta(weeks=weeks_ahead)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while True:
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return day
        if not name:
            return day
        day += dt.timedelta(weeks=1)


class Venues:
    """Call the service's entrypoints as the gateway would (JSON in, JSON out)."""

    def __init__(self, container, config: dict):
        self.container = container
        self.database_url = config["DATABASE_URL"]

    def __getattr__(self, method):
        def call(**kwargs):
            # room holds are the events service's to ask for (it sends its service token)
            with signed_hook(self.container, method, service="events" if method in EVENTS_ASKS else None) as hook:
                return hook(**kwargs)

        return call


@pytest.fixture
def facts(amqp_uri):
    """An outside queue bound to every venues fact; .drain(n, types, venue_id) returns the CloudEvents
    received (of those types, about that venue: the vhost may be shared when rabbitmqctl is unusable)."""
    conn = Connection(amqp_uri)
    queue = Queue(
        f"outside-venues-facts-{uuid.uuid4().hex[:8]}",
        exchange=events_exchange("venues"),
        routing_key="#",
        exclusive=True,
    )
    queue(conn.default_channel).declare()

    class Facts:
        def drain(
            self, expect: int, timeout: float = 10.0, types: tuple[str, ...] | None = None, venue_id: str | None = None
        ) -> list[dict]:
            bound, got, deadline = queue(conn.default_channel), [], time.time() + timeout
            while time.time() < deadline and len(got) < expect:
                message = bound.get(no_ack=True)
                if message is None:
                    time.sleep(0.05)
                    continue
                event = json.loads(message.body)
                if (types is None or event["type"] in types) and (
                    venue_id is None or event["data"].get("venue_id") == venue_id
                ):
                    got.append(event)
            return got

    yield Facts()
    conn.release()


@pytest.fixture
def venues(container_factory, service_config) -> Venues:
    config = service_config(VenuesService)
    container = container_factory(VenuesService, config)
    container.start()
    return Venues(container, config)


@pytest.fixture
def jiaping(venues) -> dict:
    return venues.seed_demo(actor=ADMIN)
