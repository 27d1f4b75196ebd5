"""No double booking on the embedded default too: the whole platform on SQLite, 200 parallel HTTP
requests for overlapping times in one room → exactly one booking, 199 problems naming it."""

from __future__ import annotations

from tests.system.test_venues_system import assert_exactly_one_booking, later_tuesday, storm

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def test_two_hundred_parallel_requests_make_exactly_one_booking_on_sqlite(sqlite_platform):
    with sqlite_platform.client("admin") as admin:
        venue = admin.post(
            "/api/v1/venues",
            json={"name": "白沙镇文化服务中心", "kind": "town_cultural_station", "level": "town", "town": "白沙镇"},
        )
        assert venue.status_code == 201, venue.text
        venue_id = venue.json()["id"]
        hours = admin.put(
            f"/api/v1/venues/{venue_id}/hours",
            json={"weekly": {day: ["09:00-12:00", "14:00-18:00"] for day in WEEKDAYS}},
        )
        assert hours.status_code == 200, hours.text
        room = admin.post(
            f"/api/v1/venues/{venue_id}/rooms",
            json={"name": "多功能厅", "kind": "multi_function_room", "capacity": 80, "buffer_minutes": 15},
        )
        assert room.status_code == 201, room.text
    assert_exactly_one_booking(storm(sqlite_platform, room.json()["id"], later_tuesday().isoformat()))
    with sqlite_platform.client("admin") as admin:
        booked = admin.get("/api/v1/bookings", params={"room_id": room.json()["id"]}).json()
        assert [b["status"] for b in booked] == ["confirmed"]
