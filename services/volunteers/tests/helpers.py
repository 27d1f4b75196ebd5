"""Helpers of the volunteers service tests: the service with test settings, an outside subscriber
bound to volunteers.events, publishing events-service facts, application data."""

from __future__ import annotations

import uuid

from kombu import Connection

from contracts.envelope import to_cloudevent
from kit.bus import events_exchange
from services.volunteers.service import VolunteersService
from services.volunteers.settings import VolunteersSettings
from tests.outside import OutsideSubscriber

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}
ORGANISER = {"sub": "org-1", "role": "organiser", "scopes": []}
REVIEWER = {"sub": "org-reviewer", "role": "organiser", "scopes": ["volunteers:review"]}
SATURDAY = [{"day": "saturday", "start": "08:00", "end": "20:00"}]


def person(sub: str, role: str = "volunteer") -> dict:
    return {"sub": sub, "role": role, "scopes": []}


def application(name="李明", phone="138 0013 8000", **extra) -> dict:
    return {
        "name": name,
        "phone": phone,
        "channels": ["sms", "inbox"],
        "skills": ["sound"],
        "availability": SATURDAY,
        "town": "嘉平镇",
        "coordinates": {"lat": 29.80, "lon": 106.70},
        **extra,
    }


def start_service(container_factory, service_config, **settings):
    config = service_config(VolunteersService)
    config["VOLUNTEERS_SETTINGS"] = VolunteersSettings(**settings)
    container = container_factory(VolunteersService, config)
    container.start()
    return container, config


def Subscriber(amqp_uri: str, routing_key: str = "#") -> OutsideSubscriber:
    """Another district system: its own queue bound to volunteers.events (tests/outside.py)."""
    return OutsideSubscriber(amqp_uri, "volunteers", routing_key)


def publish(amqp_uri: str, fact, event_id: str | None = None) -> str:
    """Publish an events-service fact as the events service would (CloudEvent on events.events)."""
    event_id = event_id or str(uuid.uuid4())
    exchange = events_exchange(fact.source_service)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(
            to_cloudevent(fact, event_id=event_id),
            exchange=exchange,
            routing_key=fact.event_type,
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            declare=[exchange],
        )
    return event_id


def next_saturday(hour: int = 14, days_ahead_min: int = 2):
    """A Saturday afternoon (Asia/Shanghai) at least `days_ahead_min` days from now, as aware datetimes."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    day = now.date() + timedelta(days=days_ahead_min)
    day += timedelta(days=(5 - day.weekday()) % 7)
    start = datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return start, start + timedelta(hours=3, minutes=30)


SITE = (29.80, 106.70)
KM_PER_DEGREE_LAT = 111.195


def sound_volunteer(i: int, km: float, **extra) -> dict:
    """Volunteer v-0i with the skill sound, living `km` north of the site, free on Saturdays."""
    return application(
        name=f"志愿者{i:02d}",
        phone=f"139{i:08d}",
        volunteer_id=f"v-{i:02d}",
        coordinates={"lat": SITE[0] + km / KM_PER_DEGREE_LAT, "lon": SITE[1]},
        **extra,
    )


def dispatch_requested(event_id: str, count: int, start, end, organiser_id="org-1", skills=("sound",), role="音响"):
    from contracts.common import Coordinates
    from contracts.events import DispatchRequested, VolunteerNeed

    return DispatchRequested(
        event_id=event_id,
        title="送文化下乡·龙溪村专场",
        organiser_id=organiser_id,
        start=start,
        end=end,
        place_name="龙溪村文化广场",
        coordinates=Coordinates(lat=SITE[0], lon=SITE[1]),
        needs=[VolunteerNeed(role=role, count=count, skills=list(skills))],
    )


def event_fact(cls, event_id: str, start, end, **extra):
    from contracts.common import Coordinates

    return cls(
        event_id=event_id,
        title="送文化下乡·龙溪村专场",
        kind="mobile_performance",
        organiser_id="org-1",
        place_name="龙溪村文化广场",
        coordinates=Coordinates(lat=SITE[0], lon=SITE[1]),
        start=start,
        end=end,
        **extra,
    )
