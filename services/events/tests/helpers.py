"""Shared pieces of the events service tests: a stand-in for the venues service (the OTHER service, on the
real broker), an outside subscriber bound to events.events, and time helpers."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone

from contracts.errors import Conflict, NotFound
from kit.rpc import rpc
from tests.callers import signed_hook
from tests.outside import OutsideSubscriber

# The kept-back release timer ticks fast in tests (read when services.events.service is first imported).
os.environ.setdefault("WENYUN_EVENTS_RELEASE_INTERVAL", "0.5")

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}
ORGANISER = {"sub": "org-1", "role": "organiser", "scopes": [], "name": "江津区文化馆"}
OTHER_ORGANISER = {"sub": "org-2", "role": "organiser", "scopes": []}
RESIDENT = {"sub": "resident-1", "role": "resident", "scopes": [], "name": "李明"}

VENUE_ID = "venue-jiaping"
ROOM_ID = "room-multi"
BUSY_ROOM_ID = "room-busy"
VILLAGE_VENUE_ID = "venue-shimen"


def resident(n: int) -> dict:
    return {"sub": f"resident-{n}", "role": "resident", "scopes": []}


def at(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) + delta).astimezone(timezone(timedelta(hours=8))).isoformat()


class FakeVenues:
    """Implements the venues RPC that events calls (get_room, get_venue, hold_room, move_hold, release_hold)."""

    name = "venues"
    holds: dict[str, dict] = {}
    calls: list[tuple] = []

    ROOMS = {
        ROOM_ID: {
            "id": ROOM_ID,
            "venue_id": VENUE_ID,
            "venue_name": "嘉平镇文化服务中心",
            "name": "多功能活动室",
            "capacity": 50,
            "town": "嘉平镇",
            "village": None,
            "coordinates": {"lat": 29.05, "lon": 106.25},
            "booking_policy": "public",
        },
        BUSY_ROOM_ID: {
            "id": BUSY_ROOM_ID,
            "venue_id": VENUE_ID,
            "venue_name": "嘉平镇文化服务中心",
            "name": "文化活动室",
            "capacity": 36,
            "town": "嘉平镇",
            "village": None,
            "coordinates": None,
            "booking_policy": "organisations_only",
        },
    }
    VENUES = {
        VILLAGE_VENUE_ID: {
            "id": VILLAGE_VENUE_ID,
            "name": "石门村文化室",
            "kind": "village_centre",
            "level": "village",
            "town": "嘉平镇",
            "village": "石门村",
            "coordinates": {"lat": 29.07, "lon": 106.21},
        },
    }

    @rpc
    def get_room(self, room_id):
        if room_id not in self.ROOMS:
            raise NotFound(f"Room {room_id} does not exist.", {"room_id": room_id})
        return self.ROOMS[room_id]

    @rpc
    def get_venue(self, venue_id):
        if venue_id not in self.VENUES:
            raise NotFound(f"Venue {venue_id} does not exist.", {"venue_id": venue_id})
        return self.VENUES[venue_id]

    @rpc
    def hold_room(self, actor, room_id, start, end, event_id, title):
        FakeVenues.calls.append(("hold_room", event_id, room_id, start, end))
        if room_id == BUSY_ROOM_ID:
            raise Conflict("文化活动室 is booked 2027-09-14 14:00–17:00.", {"conflicting_booking_ids": ["b-other"]})
        hold = {
            "booking_id": f"hold-{uuid.uuid4().hex[:8]}",
            "status": "confirmed",
            "room_id": room_id,
            "event_id": event_id,
            "start": start,
            "end": end,
        }
        FakeVenues.holds[event_id] = hold
        return hold

    @rpc
    def move_hold(self, actor, event_id, start, end):
        FakeVenues.calls.append(("move_hold", event_id, start, end))
        if event_id not in FakeVenues.holds:
            raise NotFound(f"No room is held for event {event_id}.", {"event_id": event_id})
        FakeVenues.holds[event_id].update(start=start, end=end)
        return FakeVenues.holds[event_id]

    @rpc
    def release_hold(self, actor, event_id, reason):
        FakeVenues.calls.append(("release_hold", event_id, reason))
        hold = FakeVenues.holds.pop(event_id, None)
        return {"released": hold is not None, "booking_ids": [hold["booking_id"]] if hold else []}


def call(container, method, **kwargs):
    with signed_hook(container, method) as hook:
        return hook(**kwargs)


def start_services(container_factory, service_config, amqp_uri):
    from services.events.service import EventsService

    FakeVenues.holds, FakeVenues.calls = {}, []
    events = container_factory(EventsService, service_config(EventsService))
    venues = container_factory(FakeVenues, {"AMQP_URI": amqp_uri, "serializer": "json"})
    venues.start()
    events.start()
    return events


def Subscriber(amqp_uri: str, routing_key: str = "#") -> OutsideSubscriber:
    """Another district system: its own queue bound to events.events (tests/outside.py)."""
    return OutsideSubscriber(amqp_uri, "events", routing_key)
