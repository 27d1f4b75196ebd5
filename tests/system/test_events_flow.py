"""Issue 4's done-when, through the gateway and the bus, on PostgreSQL (all services running):

- an organiser publishes a 送文化下乡 performance in a village and a 中秋 event in the 嘉平镇 multi-function
  room; both are on the notice board and in the iCal feeds, and the room is held in venues;
- 1,000 parallel online registrations for 100 places with 10 kept back → exactly 90 confirmed, the rest
  waitlisted in arrival order;
- cancelling a confirmed place promotes the first waitlisted group that fits; a phone registration uses the
  kept-back quota and after the release the rest goes to the waitlist;
- closing the room cancels the 中秋 event and every registrant gets a registration.cancelled fact;
- a village order becomes a scheduled event; a declined order carries its reason;
- issue 15: a season plan for next quarter is drafted, one show pinned, re-solved and published in one step.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from nameko.standalone.rpc import ClusterRpcProxy

from tests.system.test_events_support import (
    SHIMEN_SITE,
    Subscriber,
    in_days,
    ok,
    organiser,
    published_event,
    thousand_registrations,
)

ADMIN_ACTOR = {"sub": "district-admin", "role": "admin", "scopes": []}
MID_AUTUMN_START, MID_AUTUMN_END = "2027-09-14T14:30:00+08:00", "2027-09-14T16:30:00+08:00"


@pytest.fixture(scope="module")
def jiaping(shared_platform):
    """The 嘉平镇 centre of seed 000, loaded through venues' seed_demo RPC (as `wenyun seed` does)."""
    with ClusterRpcProxy(
        {"AMQP_URI": shared_platform.amqp_uri}, context_data=shared_platform.rpc_context(ADMIN_ACTOR), timeout=30
    ) as cluster:
        seeded = cluster.venues.seed_demo(actor=ADMIN_ACTOR)
    rooms = seeded["rooms"]
    return {
        "venue_id": seeded["venue_id"],
        "room_id": rooms.get("多功能活动室") or rooms["multi-function-room"],
        "parent_id": seeded["parent_id"],
    }


@pytest.fixture(scope="module")
def events_published(shared_platform, jiaping):
    mobile = published_event(
        shared_platform,
        title="送文化下乡·川剧《白蛇传》",
        kind="mobile_performance",
        target_groups=["elderly", "left_behind_children"],
        site=SHIMEN_SITE,
        start=in_days(14).isoformat(),
        end=in_days(14, 21).isoformat(),
        volunteer_needs=[{"role": "舞台搭建", "count": 4, "skills": ["搬运"]}],
    )
    mid_autumn = published_event(
        shared_platform,
        title="中秋诗会·月圆嘉平",
        kind="festival",
        festival="中秋",
        target_groups=["everyone"],
        room_id=jiaping["room_id"],
        start=MID_AUTUMN_START,
        end=MID_AUTUMN_END,
        capacity=9,
        kept_back=3,
    )
    return {"mobile": mobile, "mid_autumn": mid_autumn}


def test_published_events_are_on_the_notice_board_in_the_feeds_and_hold_the_room(
    shared_platform, jiaping, events_published
):
    mobile, mid_autumn = events_published["mobile"], events_published["mid_autumn"]
    assert mobile["status"] == mid_autumn["status"] == "published"
    assert mobile["place_kind"] == "outdoor" and mobile["coordinates"] == {"lat": 29.07, "lon": 106.21}
    assert mid_autumn["place_name"] == "嘉平镇文化服务中心·多功能活动室" and mid_autumn["festival_warning"] is None
    assert mid_autumn["venue_id"] == jiaping["venue_id"] and mid_autumn["hold_booking_id"]

    with shared_platform.client("admin") as admin:
        holds = ok(admin.get("/api/v1/bookings", params={"room_id": jiaping["room_id"]}))
    [hold] = [b for b in holds if b.get("event_id") == mid_autumn["id"]]
    assert hold["id"] == mid_autumn["hold_booking_id"] and hold["status"] == "confirmed"

    with shared_platform.client() as public:
        board = ok(public.get("/api/v1/notice-board", params={"town": "嘉平镇"}))
        items = {e["item"]: e for e in board["entries"]}
        assert {"送文化下乡·川剧《白蛇传》", "中秋诗会·月圆嘉平"} <= set(items)
        assert items["中秋诗会·月圆嘉平"]["organiser"] == "江津区文化馆"
        assert items["中秋诗会·月圆嘉平"]["time"] == "2027年9月14日（周二）14:30–16:30"
        assert items["送文化下乡·川剧《白蛇传》"]["place"] == "石门村晒坝"
        page = public.get("/notice-board", params={"village": "石门村"}, follow_redirects=True)  # the web app's
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "送文化下乡·川剧《白蛇传》" in page.text and "石门村晒坝" in page.text
        by_venue = ok(public.get("/api/v1/notice-board", params={"venue_id": jiaping["venue_id"]}))
        assert by_venue["standing_free_activities"][0]["required"] == 4

        feeds = {}
        for path in (
            f"/calendar/venues/{jiaping['venue_id']}.ics",
            "/calendar/towns/嘉平镇.ics",
            "/calendar/villages/石门村.ics",
        ):
            response = public.get(path)
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
            feeds[path] = {str(v["UID"]) for v in Calendar.from_ical(response.content).walk("VEVENT")}
    assert f"{mid_autumn['id']}@wenyun" in feeds[f"/calendar/venues/{jiaping['venue_id']}.ics"]
    assert {f"{mobile['id']}@wenyun", f"{mid_autumn['id']}@wenyun"} <= feeds["/calendar/towns/嘉平镇.ics"]
    assert feeds["/calendar/villages/石门村.ics"] == {f"{mobile['id']}@wenyun"}


def test_thousand_parallel_registrations_on_postgresql(shared_platform):
    took = thousand_registrations(shared_platform)
    print(f"\n1,000 parallel registrations on PostgreSQL took {took:.1f} s")


def test_waitlist_promotion_kept_back_phone_release_then_room_closure(shared_platform, jiaping, events_published):
    event = events_published["mid_autumn"]
    outside = Subscriber(shared_platform.amqp_uri)
    url = f"/api/v1/events/{event['id']}/registrations"

    def resident(n):
        return shared_platform.client("resident", sub=f"jiaping-resident-{n}", name=f"居民{n}")

    answers = {}
    for n, party in ((1, 2), (2, 2), (3, 2), (4, 3), (5, 2), (6, 1)):
        with resident(n) as http:
            answers[n] = ok(http.post(url, json={"party_size": party}), 201)
    assert [answers[n]["status"] for n in (1, 2, 3)] == ["confirmed"] * 3  # the 6 general places
    assert [(answers[n]["status"], answers[n]["waitlist_position"]) for n in (4, 5, 6)] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]

    # Someone cancels 2 places: the group of 3 does not fit and keeps its turn; the first group that fits
    # (resident 5, a couple) gets both places at once.
    with resident(2) as http:
        assert ok(http.post(f"/api/v1/registrations/{answers[2]['id']}/cancel"))["status"] == "cancelled"
        promoted = outside.wait_for(lambda e: e["type"] == "registration.promoted")
        assert [p["data"]["registration_id"] for p in promoted] == [answers[5]["id"]]
    with resident(5) as http:
        assert ok(http.get(f"/api/v1/registrations/{answers[5]['id']}"))["status"] == "confirmed"
    with resident(4) as http:
        assert ok(http.get(f"/api/v1/registrations/{answers[4]['id']}"))["waitlist_position"] == 1

    # A phone registration (an elder who does not book online) uses the kept-back quota.
    with organiser(shared_platform) as staff:
        phone = ok(
            staff.post(
                url,
                json={
                    "channel": "phone",
                    "party_size": 2,
                    "person_name": "王秀英",
                    "contact": {"name": "王秀英", "phone": "13800000001"},
                },
            ),
            201,
        )
        assert (phone["status"], phone["kept_back_places"], phone["registered_by"]) == ("confirmed", 2, "org-district")
        # The release (normally at the configured lead time before the start): what is left of the quota goes to
        # the waitlist — the single person waiting fits, the group of 3 keeps waiting.
        released = ok(staff.post(f"/api/v1/events/{event['id']}/release-kept-back"))
        assert released["released"] and released["promoted_registration_ids"] == [answers[6]["id"]]
        places = ok(staff.get(f"/api/v1/events/{event['id']}"))["places"]
        assert (places["confirmed"], places["free_general"], places["waitlisted_people"]) == (9, 0, 3)
        late = ok(staff.post(url, json={"channel": "desk", "person_name": "张大爷"}), 201)
        assert (late["status"], late["waitlist_position"]) == ("waitlisted", 2)
        registrants = [r for r in ok(staff.get(url)) if r["status"] in ("confirmed", "waitlisted")]
    assert len(registrants) == 7

    # The room closes (water damage): venues cancels the hold, events cancels the 中秋 event, everyone is told.
    with shared_platform.client("admin") as admin:
        closure = ok(
            admin.post(
                f"/api/v1/venues/{jiaping['venue_id']}/closures",
                json={
                    "room_id": jiaping["room_id"],
                    "expected_reopening": "2027-09-20T09:00:00+08:00",
                    "reason": "屋顶漏水维修",
                },
            ),
            201,
        )
    assert event["hold_booking_id"] in closure["cancelled_booking_ids"]
    told = outside.wait_for(
        lambda e: e["type"] == "registration.cancelled" and "屋顶漏水维修" in e["data"]["reason"],
        count=len(registrants),
    )
    assert sorted(t["data"]["registration_id"] for t in told) == sorted(r["id"] for r in registrants)
    assert all(t["data"]["event_id"] == event["id"] for t in told)
    [cancelled] = outside.wait_for(lambda e: e["type"] == "event.cancelled" and e["data"]["event_id"] == event["id"])
    assert "屋顶漏水维修" in cancelled["data"]["reason"]
    with shared_platform.client() as public:
        assert ok(public.get(f"/api/v1/events/{event['id']}"))["status"] == "cancelled"
        feed = Calendar.from_ical(public.get(f"/calendar/venues/{jiaping['venue_id']}.ics").content)
        statuses = {str(v["UID"]): str(v["STATUS"]) for v in feed.walk("VEVENT")}
        assert statuses[f"{event['id']}@wenyun"] == "CANCELLED"
    outside.close()


def test_village_orders_scheduled_or_declined(shared_platform, jiaping):
    with shared_platform.client("admin") as admin:
        village = ok(
            admin.post(
                "/api/v1/venues",
                json={
                    "name": "石门村文化室",
                    "kind": "village_centre",
                    "level": "village",
                    "parent_id": jiaping["venue_id"],
                    "town": "嘉平镇",
                    "village": "石门村",
                    "coordinates": {"lat": 29.07, "lon": 106.21},
                },
            ),
            201,
        )
    manager = shared_platform.client("venue_manager", sub="shimen-manager", scopes=[f"venue:{village['id']}"])
    outside = Subscriber(shared_platform.amqp_uri, routing_key="order.*")
    with organiser(shared_platform) as district, manager:
        opera = ok(
            district.post(
                "/api/v1/offerings",
                json={
                    "title": "川剧折子戏专场",
                    "kind": "mobile_performance",
                    "provider": "江津区川剧团",
                    "duration_minutes": 120,
                    "target_groups": ["elderly"],
                },
            ),
            201,
        )
        quiz = ok(
            district.post(
                "/api/v1/offerings",
                json={"title": "非遗知识讲座", "kind": "lecture", "provider": "区非遗中心", "duration_minutes": 60},
            ),
            201,
        )
        window = {"earliest": in_days(20).date().isoformat(), "latest": in_days(40).date().isoformat()}
        first = ok(
            manager.post(
                "/api/v1/orders",
                json={
                    "offering_id": opera["id"],
                    "venue_id": village["id"],
                    "note": "村里老人多，希望周末晚上",
                    **window,
                },
            ),
            201,
        )
        second = ok(
            manager.post("/api/v1/orders", json={"offering_id": opera["id"], "venue_id": village["id"], **window}), 201
        )
        scheduled = ok(
            district.post(
                f"/api/v1/orders/{first['id']}/schedule",
                json={"start": in_days(25).isoformat(), "capacity": 150, "kept_back": 30},
            )
        )
        assert scheduled["status"] == "scheduled"
        event = ok(district.get(f"/api/v1/events/{scheduled['event_id']}"))
        assert (event["status"], event["title"], event["village"], event["offering_id"]) == (
            "published",
            "川剧折子戏专场",
            "石门村",
            opera["id"],
        )
        declined = ok(
            district.post(f"/api/v1/orders/{second['id']}/decline", json={"reason": "剧团该时段已排满，请改订下月"})
        )
        assert ok(manager.get(f"/api/v1/orders/{second['id']}"))["decline_reason"] == "剧团该时段已排满，请改订下月"
        assert declined["status"] == "declined"
        missing_reason = district.post(f"/api/v1/orders/{second['id']}/decline", json={"reason": ""})
        assert missing_reason.status_code == 422
        demand = ok(district.get("/api/v1/offerings/demand"))
        assert demand["rarely_ordered"] == [quiz["id"]]
    facts = outside.wait_for(lambda e: True, count=4)
    assert [f["type"] for f in facts] == ["order.placed", "order.placed", "order.scheduled", "order.declined"]
    assert facts[2]["data"]["event_id"] == event["id"] and facts[3]["data"]["reason"] == "剧团该时段已排满，请改订下月"
    outside.close()


def test_bad_requests_are_problems(shared_platform):
    with shared_platform.client() as anonymous:
        assert anonymous.post("/api/v1/events", json={}).status_code == 401
        assert anonymous.get("/api/v1/events/nope").status_code == 404
    with organiser(shared_platform) as http:
        naive = http.post(
            "/api/v1/events",
            json={
                "title": "x",
                "kind": "lecture",
                "site": SHIMEN_SITE,
                "start": "2027-01-01T10:00:00",
                "end": "2027-01-01T11:00:00",
            },
        )
        assert naive.status_code == 422 and naive.headers["content-type"].startswith("application/problem+json")
        both = http.post(
            "/api/v1/events",
            json={
                "title": "x",
                "kind": "lecture",
                "site": SHIMEN_SITE,
                "room_id": "r",
                "start": in_days(3).isoformat(),
                "end": in_days(3, 21).isoformat(),
            },
        )
        assert both.status_code == 422
    with shared_platform.client("resident", sub="r-x") as resident:
        refused = resident.post(
            "/api/v1/offerings", json={"title": "x", "kind": "lecture", "provider": "y", "duration_minutes": 30}
        )
        assert refused.status_code == 403
        walk_in = published_event(
            shared_platform,
            title="广场舞展演",
            kind="other",
            site=SHIMEN_SITE,
            start=in_days(5).isoformat(),
            end=in_days(5, 21).isoformat(),
        )
        no_booking = resident.post(f"/api/v1/events/{walk_in['id']}/registrations", json={})
        assert no_booking.status_code == 422 and "无需预约" in no_booking.json()["detail"]
    with organiser(shared_platform) as http:
        again = http.post(f"/api/v1/events/{walk_in['id']}/publish")
        assert again.status_code == 409 and again.json()["rule"] == "event.invalid_transition"
        assert http.post(f"/api/v1/events/{walk_in['id']}/complete").status_code == 422  # not over yet


# ---- issue 15: the season planner (same platform) ------------------------------------------------------

PLAN_TOWN = "嘉平镇"
PLAN_VILLAGES = {"青山村": (29.07, 106.21), "龙溪村": (29.10, 106.25), "双河村": (29.04, 106.18)}


def next_quarter(today: date) -> tuple[date, date]:
    first_month = ((today.month - 1) // 3 + 1) * 3 + 1
    year = today.year + (first_month > 12)
    first = date(year, (first_month - 1) % 12 + 1, 1)
    following = date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def test_season_plan_for_next_quarter_pinned_resolved_published(shared_platform):
    """Issue 15 through the API: ask for next quarter's plan, pin one show, re-solve, publish; the events are
    on the notice board and in the village feeds, the orders scheduled, volunteers get the needs."""
    first_day, last_day = next_quarter(date.today() + timedelta(days=2))
    outside = Subscriber(shared_platform.amqp_uri)
    with shared_platform.client("admin") as admin:
        venues = {
            name: ok(
                admin.post(
                    "/api/v1/venues",
                    json={
                        "name": f"{name}文化室",
                        "kind": "village_centre",
                        "level": "village",
                        "town": PLAN_TOWN,
                        "village": name,
                        "coordinates": {"lat": lat, "lon": lon},
                    },
                ),
                201,
            )["id"]
            for name, (lat, lon) in PLAN_VILLAGES.items()
        }
    with organiser(shared_platform) as district:
        opera = ok(
            district.post(
                "/api/v1/offerings",
                json={
                    "title": "川剧折子戏专场",
                    "kind": "mobile_performance",
                    "provider": "江津区川剧团",
                    "duration_minutes": 120,
                    "volunteer_needs": [{"role": "舞台搭建", "count": 2}],
                },
            ),
            201,
        )
        window = {"earliest": first_day.isoformat(), "latest": (first_day + timedelta(days=30)).isoformat()}
        orders = {
            name: ok(
                district.post("/api/v1/orders", json={"offering_id": opera["id"], "venue_id": venues[name], **window}),
                201,
            )["id"]
            for name in ("青山村", "龙溪村")
        }  # 双河村 ordered nothing: it is covered all the same
        request = {
            "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(),
            "venue_ids": list(venues.values()),
            "min_weeks_between_visits": 4,
            "time_limit_seconds": 3,
            "troupes": [
                {
                    "troupe_id": "team-chuanju",
                    "name": "江津区川剧团",
                    "base": {"lat": 29.08, "lon": 106.22},
                    "offering_ids": [opera["id"]],
                    "available_weekdays": [4, 5, 6],
                    "max_shows_per_week": 2,
                }
            ],
        }
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
            assert (order["status"], order["event_id"], order["scheduled_for"]) == (
                "scheduled",
                item["event_id"],
                item["day"],
            )
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
        board = ok(public.get("/api/v1/notice-board", params={"town": PLAN_TOWN}))
        assert event_ids <= {e["event_id"] for e in board["entries"]}
        for name in PLAN_VILLAGES:
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
