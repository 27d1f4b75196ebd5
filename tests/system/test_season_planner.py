"""Issue 15's done-when through the API (HTTP and AMQP only, every process running, PostgreSQL):
an organiser asks for a plan for next quarter, pins one show, re-solves and publishes; the events are on
the notice board and in the village iCal feeds, their orders are scheduled, and volunteers receive the needs.
"""
from __future__ import annotations

import time
from datetime import date, timedelta

from icalendar import Calendar

from tests.system.test_events_support import Subscriber, ok, organiser

TOWN = "嘉平镇"
VILLAGES = {"石门村": (29.07, 106.21), "龙溪村": (29.10, 106.25), "双河村": (29.04, 106.18)}


def next_quarter(today: date) -> tuple[date, date]:
    first_month = ((today.month - 1) // 3 + 1) * 3 + 1
    year = today.year + (first_month > 12)
    first = date(year, (first_month - 1) % 12 + 1, 1)
    following = date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def test_plan_a_quarter_pin_resolve_publish(shared_platform):
    first_day, last_day = next_quarter(date.today() + timedelta(days=2))
    outside = Subscriber(shared_platform.amqp_uri)
    with shared_platform.client("admin") as admin:
        venues = {name: ok(admin.post("/api/v1/venues", json={
            "name": f"{name}文化室", "kind": "village_centre", "level": "village", "town": TOWN, "village": name,
            "coordinates": {"lat": lat, "lon": lon}}), 201)["id"] for name, (lat, lon) in VILLAGES.items()}
    with organiser(shared_platform) as district:
        opera = ok(district.post("/api/v1/offerings", json={
            "title": "川剧折子戏专场", "kind": "mobile_performance", "provider": "江津区川剧团", "duration_minutes": 120,
            "volunteer_needs": [{"role": "舞台搭建", "count": 2}]}), 201)
        window = {"earliest": first_day.isoformat(), "latest": (first_day + timedelta(days=30)).isoformat()}
        orders = {name: ok(district.post("/api/v1/orders", json={"offering_id": opera["id"], "venue_id": venues[name],
                                                                 **window}), 201)["id"]
                  for name in ("石门村", "龙溪村")}  # 双河村 ordered nothing: it is covered all the same
        request = {"first_day": first_day.isoformat(), "last_day": last_day.isoformat(),
                   "venue_ids": list(venues.values()), "min_weeks_between_visits": 4, "time_limit_seconds": 3,
                   "troupes": [{"troupe_id": "team-chuanju", "name": "江津区川剧团",
                                "base": {"lat": 29.08, "lon": 106.22}, "offering_ids": [opera["id"]],
                                "available_weekdays": [4, 5, 6], "max_shows_per_week": 2}]}
        deadline = time.time() + 20
        while True:  # the venue facts reach events' directory asynchronously
            draft = ok(district.post("/api/v1/season-plans", json=request), 201)
            if len(draft["items"]) == 3 or time.time() > deadline:
                break
            time.sleep(0.5)
        assert draft["status"] == "draft" and draft["unplanned"] == []
        assert draft["solve"]["status"] in ("optimal", "feasible") and draft["solve"]["gap"] is not None
        assert {i["order_id"] for i in draft["items"] if i["kind"] == "order"} == set(orders.values())
        [coverage] = [i for i in draft["items"] if i["kind"] == "coverage"]
        assert coverage["village"] == "双河村"
        for item in draft["items"]:
            day = date.fromisoformat(item["day"])
            assert first_day <= day <= last_day and day.weekday() in (4, 5, 6)
            assert item["troupe_name"] == "江津区川剧团" and item["travel_minutes"] >= 0
        assert len({(i["day"], i["half"]) for i in draft["items"]}) == 3  # one troupe, never twice at once

        pinned = ok(district.post(f"/api/v1/season-plans/{draft['id']}/items/{coverage['id']}/pin"))
        assert [i["pinned"] for i in pinned["items"] if i["id"] == coverage["id"]] == [True]
        again = ok(district.post(f"/api/v1/season-plans/{draft['id']}/solve", json={"time_limit_seconds": 3}))
        assert again["revision"] == 2 and len(again["items"]) == 3
        [kept] = [i for i in again["items"] if i["id"] == coverage["id"]]
        assert (kept["day"], kept["half"], kept["pinned"]) == (coverage["day"], coverage["half"], True)

        published = ok(district.post(f"/api/v1/season-plans/{draft['id']}/publish"))
        assert published["status"] == "published" and all(i["event_id"] for i in published["items"])
        assert district.post(f"/api/v1/season-plans/{draft['id']}/publish").status_code == 409
        event_ids = {i["event_id"] for i in published["items"]}
        for name, order_id in orders.items():
            order = ok(district.get(f"/api/v1/orders/{order_id}"))
            [item] = [i for i in published["items"] if i["order_id"] == order_id]
            assert (order["status"], order["event_id"], order["scheduled_for"]) == ("scheduled", item["event_id"],
                                                                                    item["day"])
        for event_id in event_ids:
            dispatch = None
            for _ in range(40):  # volunteers learns of the needs from dispatch.requested
                response = district.get(f"/api/v1/events/{event_id}/dispatch")
                if response.status_code == 200:
                    dispatch = response.json()
                    break
                time.sleep(0.25)
            assert dispatch is not None, f"volunteers has no dispatch for {event_id}"
            assert [(r["role"], r["needed"]) for r in dispatch["roles"]] == [("舞台搭建", 2)]

    with shared_platform.client() as public:
        board = ok(public.get("/api/v1/notice-board", params={"town": TOWN}))
        assert event_ids <= {e["event_id"] for e in board["entries"]}
        for name in VILLAGES:
            feed = Calendar.from_ical(public.get(f"/calendar/villages/{name}.ics").content)
            uids = {str(component["UID"]) for component in feed.walk("VEVENT")}
            [item] = [i for i in published["items"] if i["village"] == name]
            assert f"{item['event_id']}@wenyun" in uids

    published_facts = outside.of_type("event.published", count=3)
    assert {f["data"]["event_id"] for f in published_facts} == event_ids
    scheduled = outside.of_type("order.scheduled", count=2)
    assert {f["data"]["order_id"] for f in scheduled} == set(orders.values())
    needs = outside.of_type("dispatch.requested", count=3)
    assert {f["data"]["event_id"] for f in needs} == event_ids
    outside.close()
