"""Issue 17, through the gateway on one running platform (PostgreSQL): the booking rules that could
be walked around from outside — a checked-in room booked twice, bookings in the past, a year whose
statutory holidays the calendar library does not know, a day closed without the closure notice,
anyone claiming to be an organisation.

Every test works on its own venue (registered here, open around the clock on every day) so that it
can book "in ten minutes" whatever the time of day the suite runs."""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

PROBLEM = "application/problem+json"
DISTRICT = ZoneInfo("Asia/Shanghai")
ALL_DAY = ["00:00-23:59"]


def local_now() -> dt.datetime:
    return dt.datetime.now(DISTRICT)


def soon(minutes: int = 5) -> dt.datetime:
    """A whole minute a few minutes from now (local time)."""
    return (local_now() + dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def slot_soon(length_minutes: int = 60) -> tuple[str, str]:
    """A slot starting in a few minutes, ending the same local day."""
    start = soon()
    end = min(start + dt.timedelta(minutes=length_minutes), start.replace(hour=23, minute=59))
    if end <= start + dt.timedelta(minutes=10):
        pytest.skip("too close to local midnight for a same-day slot starting now")
    return start.isoformat(), end.isoformat()


def at(day: dt.date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}:00+08:00"


@pytest.fixture(scope="module")
def admin(shared_platform):
    with shared_platform.client("admin", sub="admin-17") as client:
        yield client


def open_venue(platform, admin, *, rooms: dict[str, dict]) -> dict:
    """A fresh village venue open 00:00-23:59 every day (holidays too) with the given rooms, and a
    client of its manager."""
    created = admin.post("/api/v1/venues", json={"name": f"规则测试点-{uuid.uuid4().hex[:6]}", "kind": "village_centre",
                                                 "level": "village", "town": "嘉平镇"})
    assert created.status_code == 201, created.text
    venue_id = created.json()["id"]
    hours = admin.put(f"/api/v1/venues/{venue_id}/hours", json={
        "weekly": {day: ALL_DAY for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                            "sunday")}, "holiday_rule": "open"})
    assert hours.status_code == 200, hours.text
    room_ids = {}
    for name, room in rooms.items():
        made = admin.post(f"/api/v1/venues/{venue_id}/rooms", json={"name": name, "kind": "reading_room",
                                                                    "capacity": 30, **room})
        assert made.status_code == 201, made.text
        room_ids[name] = made.json()["id"]
    manager = platform.client("venue_manager", sub=f"mgr-{venue_id[:8]}", scopes=[f"venue:{venue_id}"], name="程必群")
    return {"venue_id": venue_id, "rooms": room_ids, "manager": manager}


def test_1_a_checked_in_booking_keeps_its_room_until_its_end(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"电子阅览室": {}})
    room = place["rooms"]["电子阅览室"]
    start, end = slot_soon()
    body = {"room_id": room, "start": start, "end": end, "attendees": 2}
    with shared_platform.client("resident", sub="resident-a", name="甲") as a, \
            shared_platform.client("resident", sub="resident-b", name="乙") as b, place["manager"] as manager:
        booked = a.post("/api/v1/bookings", json=body)
        assert booked.status_code == 201, booked.text
        assert b.post("/api/v1/bookings", json=body).status_code == 409
        checked_in = manager.post(f"/api/v1/bookings/{booked.json()['id']}/check-in")
        assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in", checked_in.text
        again = b.post("/api/v1/bookings", json=body)
        assert again.status_code == 409, again.text
        assert again.json()["conflicting_booking_ids"] == [booked.json()["id"]]
