"""Venues through the gateway and the bus, on PostgreSQL, after `wenyun seed` (issue 3's done-when):
the 嘉平镇 centre, its compliance and holiday calendar, bookings and their refusals, a closure that
cancels a booking (the fact seen on an outside AMQP queue), object scopes, the public notice page, and
200 parallel requests for one room → exactly one booking."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.outside import OutsideSubscriber as SharedSubscriber
from tests.platform import ROOT

PROBLEM = "application/problem+json"
TUESDAY = "2026-11-24"


def later_tuesday() -> dt.date:
    """A Tuesday at least two weeks ahead that is no statutory holiday (regular hours apply)."""
    import chinese_calendar

    day = dt.date.today() + dt.timedelta(weeks=2)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)
    while True:
        try:
            if not chinese_calendar.get_holiday_detail(day)[1]:
                return day
        except NotImplementedError:
            return day
        day += dt.timedelta(weeks=1)


def venues_subscriber(amqp_uri: str) -> SharedSubscriber:
    """Another district system: its own queue bound to venues.events (tests/outside.py)."""
    return SharedSubscriber(amqp_uri, "venues", "#")


@pytest.fixture(scope="module")
def outside(shared_platform):
    subscriber = venues_subscriber(shared_platform.amqp_uri)
    yield subscriber
    subscriber.conn.release()


@pytest.fixture(scope="module")
def jiaping(shared_platform, outside) -> dict:
    """`wenyun seed`, as an operator runs it (that a second run creates nothing is a service test)."""
    run = subprocess.run(
        [sys.executable, "-m", "wenyun", "seed"],
        cwd=ROOT,
        env=shared_platform.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    seeded = json.loads(run.stdout)
    assert seeded["created"] is True and len(seeded["rooms"]) == 7
    return seeded


def test_the_seeded_centre_its_compliance_and_its_holidays(shared_platform, jiaping):
    with shared_platform.client() as public:
        venues = {v["name"]: v for v in public.get("/api/v1/venues").json()}
        assert venues["嘉平镇文化服务中心"]["id"] == jiaping["venue_id"]
        assert venues["嘉平镇文化服务中心"]["parent_id"] == venues["江津区文化馆"]["id"]
        report = public.get(f"/api/v1/venues/{jiaping['venue_id']}/compliance", params={"week": "2026-W48"})
        assert report.status_code == 200, report.text
        assert report.json()["weekly_open_hours"] == 45 and report.json()["compliant"] is True
        calendar = public.get(
            f"/api/v1/venues/{jiaping['venue_id']}/calendar", params={"from": "2026-09-28", "to": "2026-10-04"}
        ).json()
        days = {d["date"]: d for d in calendar["days"]}
        assert days["2026-09-30"]["kind"] == "regular"
        assert all(days[f"2026-10-0{n}"]["holiday_name"] == "National Day" for n in (1, 2, 3, 4))
        assert days["2026-10-01"]["kind"] == "statutory_holiday" and days["2026-10-01"]["holiday_name_zh"] == "国庆节"
        lunch = public.get(
            f"/api/v1/rooms/{jiaping['rooms']['多功能活动室']}/open", params={"at": f"{TUESDAY}T12:30:00+08:00"}
        ).json()
        assert lunch["open"] is False
        bad_week = public.get(f"/api/v1/venues/{jiaping['venue_id']}/compliance", params={"week": "48"})
        assert bad_week.status_code == 422 and bad_week.headers["content-type"].startswith(PROBLEM)
        page = public.get(f"/venues/{jiaping['venue_id']}/notice", follow_redirects=True)  # the web app's page
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "多功能活动室" in page.text and "9:00-12:00" in page.text and 'name="viewport"' in page.text
        assert public.get("/venues/nope/notice", follow_redirects=True).status_code == 404


def test_bookings_through_the_gateway(shared_platform, jiaping, outside):
    room = jiaping["rooms"]["多功能活动室"]
    tuesday = later_tuesday()  # bookings in the past are refused

    def booking(start, end, **extra):
        return {
            "room_id": room,
            "start": f"{tuesday}T{start}:00+08:00",
            "end": f"{tuesday}T{end}:00+08:00",
            "attendees": 20,
            "purpose": "政策宣讲",
            **extra,
        }

    with shared_platform.client("resident", sub="resident-7", name="王秀英") as resident:
        created = resident.post("/api/v1/bookings", json=booking("15:00", "16:00"))
        assert created.status_code == 201, created.text
        confirmed = created.json()
        assert confirmed["status"] == "confirmed" and confirmed["booked_by"] == "resident-7"
        lunch = resident.post("/api/v1/bookings", json=booking("12:30", "13:30"))
        assert lunch.status_code == 422 and lunch.headers["content-type"].startswith(PROBLEM)
        assert "closed 12:00-14:00" in lunch.json()["detail"]
        overlap = resident.post("/api/v1/bookings", json=booking("15:30", "16:30"))
        assert overlap.status_code == 409 and overlap.headers["content-type"].startswith(PROBLEM)
        assert overlap.json()["conflicting_booking_ids"] == [confirmed["id"]]
        assert confirmed["id"] in overlap.json()["detail"]
        policy = resident.post(
            "/api/v1/bookings", json={**booking("09:00", "10:00"), "room_id": jiaping["rooms"]["文化活动室"]}
        )
        assert policy.status_code == 201 and policy.json()["status"] == "pending", policy.text  # the leader signs
        assert policy.json()["needs_sign_off"] is True
        naive = resident.post("/api/v1/bookings", json={**booking("09:00", "10:00"), "start": f"{tuesday}T09:00:00"})
        assert naive.status_code == 422
    fact = outside.one(lambda e: e["type"] == "booking.confirmed" and e["data"]["booking_id"] == confirmed["id"])
    assert fact["data"]["booker_name"] == "王秀英" and fact["source"] == "/wenyun/venues"
    # 代预约 at the desk, by a manager of this venue; a manager of another venue gets 403.
    with shared_platform.client("venue_manager", sub="mgr-jp", scopes=[f"venue:{jiaping['venue_id']}"]) as desk:
        phoned = desk.post(
            "/api/v1/bookings", json={**booking("09:00", "10:00"), "channel": "phone", "booker_name": "李大爷"}
        )
        assert phoned.status_code == 201 and phoned.json()["booker_name"] == "李大爷"
        assert desk.post("/api/v1/bookings", json={**booking("10:30", "11:00"), "channel": "desk"}).status_code == 422
    with shared_platform.client("venue_manager", sub="mgr-other", scopes=["venue:somewhere-else"]) as stranger:
        assert stranger.patch(f"/api/v1/venues/{jiaping['venue_id']}", json={"address": "x"}).status_code == 403
        assert stranger.post(f"/api/v1/bookings/{phoned.json()['id']}/cancel", json={}).status_code == 403


def test_a_closure_cancels_the_booking_inside_and_says_so_on_the_bus(shared_platform, jiaping, outside):
    day = later_tuesday()
    room = jiaping["rooms"]["书画室"]
    with shared_platform.client("organiser", sub="org-3", name="老年书画班", scopes=["org:painters"]) as organiser:
        booked = organiser.post(
            "/api/v1/bookings",
            json={
                "room_id": room,
                "start": f"{day}T14:00:00+08:00",
                "end": f"{day}T16:00:00+08:00",
                "attendees": 12,
                "booker_kind": "organisation",
                "organisation_id": "painters",
                "purpose": "书画培训",
            },
        )
        assert booked.status_code == 201, booked.text
    manager = shared_platform.client("venue_manager", sub="mgr-jp", scopes=[f"venue:{jiaping['venue_id']}"])
    with manager:
        refused = manager.post(
            f"/api/v1/venues/{jiaping['venue_id']}/closures", json={"room_id": room, "reason": "墙面翻新"}
        )
        assert refused.status_code == 422 and refused.json()["detail_zh"] == "如关闭，须对外公告并发布预开放时间"
        closure = manager.post(
            f"/api/v1/venues/{jiaping['venue_id']}/closures",
            json={
                "room_id": room,
                "start": f"{day}T08:00:00+08:00",
                "expected_reopening": f"{day + dt.timedelta(days=2)}T09:00:00+08:00",
                "reason": "墙面翻新",
            },
        )
        assert closure.status_code == 201, closure.text
        assert closure.json()["cancelled_booking_ids"] == [booked.json()["id"]]
        after = manager.get(f"/api/v1/bookings/{booked.json()['id']}").json()
        assert after["status"] == "cancelled" and "墙面翻新" in after["reason"]
    closed = outside.one(lambda e: e["type"] == "venue.closed" and e["data"]["room_id"] == room)
    assert closed["data"]["cancelled_booking_ids"] == [booked.json()["id"]]
    cancelled = outside.one(
        lambda e: e["type"] == "booking.cancelled" and e["data"]["booking_id"] == booked.json()["id"]
    )
    assert cancelled["data"]["booker_id"] == "org-3" and "墙面翻新" in cancelled["data"]["reason"]
    with shared_platform.client() as public:
        notice = public.get(f"/api/v1/venues/{jiaping['venue_id']}/notice").json()
        assert [c["reason"] for c in notice["closures"]] == ["墙面翻新"]
    with shared_platform.client("venue_manager", sub="mgr-jp", scopes=[f"venue:{jiaping['venue_id']}"]) as manager:
        reopened = manager.post(f"/api/v1/closures/{closure.json()['id']}/reopen")
        assert reopened.status_code == 200 and reopened.json()["status"] == "ended", reopened.text
    outside.one(lambda e: e["type"] == "venue.reopened" and e["data"]["closure_id"] == closure.json()["id"])


def test_registers_through_the_gateway(shared_platform, jiaping):
    venue_id, rooms = jiaping["venue_id"], jiaping["rooms"]
    with shared_platform.client("venue_manager", sub="mgr-jp", scopes=[f"venue:{venue_id}"]) as manager:
        visit = manager.post(
            f"/api/v1/venues/{venue_id}/visits",
            json={"date": "2026-11-24", "room_id": rooms["图书阅览室"], "counts": {"elderly": 9, "minors": 14}},
        )
        assert visit.status_code == 201 and visit.json()["total"] == 23, visit.text
        footfall = manager.get(f"/api/v1/venues/{venue_id}/visits", params={"from": "2026-11-23", "to": "2026-11-29"})
        assert footfall.json()["days"][0]["by_group"]["minors"] == 14
        asset = manager.post(
            f"/api/v1/venues/{venue_id}/assets",
            json={"name": "投影仪", "category": "电子设备", "room_id": rooms["多功能活动室"]},
        )
        assert asset.status_code == 201 and asset.json()["number"].startswith("JP-"), asset.text
        assert manager.patch(f"/api/v1/assets/{asset.json()['id']}", json={"condition": "faulty"}).status_code == 200
        faulty = manager.get(f"/api/v1/venues/{venue_id}/assets", params={"condition": "faulty"}).json()
        assert [a["name"] for a in faulty] == ["投影仪"]
    with shared_platform.client("resident") as resident:
        assert resident.get(f"/api/v1/venues/{venue_id}/assets").status_code == 403
        booked_week = "{}-W{:02d}".format(*later_tuesday().isocalendar()[:2])  # test_bookings_through_the_gateway
        usage = resident.get(f"/api/v1/venues/{venue_id}/utilisation", params={"week": booked_week}).json()
        by_room = {r["room_name"]: r for r in usage["rooms"]}
        assert by_room["多功能活动室"]["open_hours"] == 45 and by_room["多功能活动室"]["booked_hours"] >= 1


def storm(platform, room_id: str, day: str, requests: int = 200) -> list[httpx.Response]:
    """`requests` threads post, all at once, bookings that pairwise overlap (each contains 15:00-17:00)."""
    barrier = threading.Barrier(requests)
    token = platform.token("organiser", sub="org-storm", scopes=["org:storm-teams"])
    client = httpx.Client(
        base_url=platform.base_url,
        timeout=60,
        headers={"Authorization": f"Bearer {token}"},
        limits=httpx.Limits(max_connections=requests, max_keepalive_connections=requests),
    )

    def one(i: int) -> httpx.Response:
        body = {
            "room_id": room_id,
            "start": f"{day}T14:{i % 60:02d}:00+08:00",
            "end": f"{day}T17:00:00+08:00",
            "attendees": 10,
            "booker_kind": "organisation",
            "organisation_id": "storm-teams",
            "booker_name": f"团队{i}",
        }
        barrier.wait(timeout=60)
        return client.post("/api/v1/bookings", json=body)

    try:
        with ThreadPoolExecutor(max_workers=requests) as pool:
            return list(pool.map(one, range(requests)))
    finally:
        client.close()


def assert_exactly_one_booking(responses: list[httpx.Response]) -> None:
    statuses = Counter(r.status_code for r in responses)
    others = [r.text[:300] for r in responses if r.status_code not in (201, 409)][:3]
    assert statuses == {201: 1, 409: len(responses) - 1}, f"{dict(statuses)} {others}"
    [winner] = [r.json() for r in responses if r.status_code == 201]
    for response in responses:
        if response.status_code == 409:
            assert response.headers["content-type"].startswith(PROBLEM)
            assert response.json()["conflicting_booking_ids"] == [winner["id"]], response.text


def test_two_hundred_parallel_requests_make_exactly_one_booking_on_postgresql(shared_platform, jiaping):
    room = jiaping["rooms"]["健身房及艺术展厅"]
    assert_exactly_one_booking(storm(shared_platform, room, later_tuesday().isoformat()))
    with shared_platform.client("venue_manager", sub="mgr-jp", scopes=[f"venue:{jiaping['venue_id']}"]) as manager:
        held = manager.get("/api/v1/bookings", params={"room_id": room, "status": "confirmed"}).json()
        assert len(held) == 1


def _logged_with(path, request_id: str) -> list[dict]:
    """The JSON log lines of one process that belong to `request_id`."""
    lines = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # output that is not a log line (a library printing)
        if isinstance(line, dict) and line.get("request_id") == request_id:
            lines.append(line)
    return lines


def test_one_request_id_through_gateway_venues_notifications_and_the_fact(shared_platform, jiaping, outside):
    """Issue 10: the id of one booking request is in the gateway's, venues' and notifications' logs and
    is the trace id of the `traceparent` of the booking.confirmed fact it caused."""
    request_id = uuid.uuid4().hex
    day = (later_tuesday() + dt.timedelta(weeks=1)).isoformat()
    with shared_platform.client("resident", sub="resident-traced", name="李桂兰") as resident:
        created = resident.post(
            "/api/v1/bookings",
            headers={"X-Request-Id": request_id},
            json={
                "room_id": jiaping["rooms"]["多功能活动室"],
                "start": f"{day}T10:00:00+08:00",
                "end": f"{day}T11:00:00+08:00",
                "attendees": 6,
                "purpose": "读书会",
            },
        )
    assert created.status_code == 201, created.text
    assert created.headers["X-Request-Id"] == request_id
    booking_id = created.json()["id"]
    fact = outside.one(lambda e: e["type"] == "booking.confirmed" and e["data"]["booking_id"] == booking_id)
    assert fact["traceparent"].split("-")[1] == request_id
    logs = shared_platform.logs
    # A worker's closing log line may follow its reply; notifications hears the fact asynchronously.
    deadline = time.time() + 15
    for process in ("gateway", "venues", "notifications"):
        while not _logged_with(logs[process], request_id) and time.time() < deadline:
            time.sleep(0.2)
        assert _logged_with(logs[process], request_id), f"{process} never logged the request id"
