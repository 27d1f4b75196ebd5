"""Concurrent answers through the gateway, on SQLite (the embedded default): three volunteers each press
their accept link three times at once. Every offer is answered exactly once, the dispatch is filled
exactly once, and the team has exactly three members — nobody counted twice, no answer lost."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from kombu import Connection, Queue

from contracts.common import Coordinates
from contracts.envelope import to_cloudevent
from contracts.events import DispatchRequested, VolunteerNeed
from kit.bus import events_exchange

SITE = (29.80, 106.70)


def test_triple_clicked_links_answer_each_offer_once_on_sqlite(sqlite_platform):
    platform = sqlite_platform
    conn = Connection(platform.amqp_uri)
    watch = Queue("volunteer-watch", exchange=events_exchange("volunteers"), routing_key="dispatch.*", durable=True)
    bound = watch(conn.default_channel)
    bound.declare()

    with platform.client("admin") as admin:
        for i in range(3):
            applied = admin.post(
                "/api/v1/volunteers",
                json={
                    "volunteer_id": f"v-{i}",
                    "name": f"志愿者{i}",
                    "phone": f"1370000000{i}",
                    "channels": ["sms"],
                    "skills": ["stage"],
                    "availability": [{"day": "saturday", "start": "08:00", "end": "20:00"}],
                    "coordinates": {"lat": SITE[0] + 0.05 * (i + 1), "lon": SITE[1]},
                },
            )
            assert applied.status_code == 201, applied.text
            assert admin.post(f"/api/v1/volunteers/v-{i}/review", json={"decision": "approve"}).status_code == 200

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    day = now.date() + timedelta(days=2)
    day += timedelta(days=(5 - day.weekday()) % 7)
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    request = DispatchRequested(
        event_id="e-stage",
        title="元宵灯会",
        organiser_id="org-1",
        start=start,
        end=start + timedelta(hours=4),
        place_name="嘉平镇广场",
        coordinates=Coordinates(lat=SITE[0], lon=SITE[1]),
        needs=[VolunteerNeed(role="舞台", count=3, skills=["stage"])],
    )
    exchange = events_exchange("events")
    with Connection(platform.amqp_uri, transport_options={"confirm_publish": True}) as publisher:
        publisher.Producer().publish(
            to_cloudevent(request, event_id=str(uuid.uuid4())),
            exchange=exchange,
            routing_key="dispatch.requested",
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            declare=[exchange],
        )

    def drain(expect, timeout=15.0):
        got, deadline = [], time.time() + timeout
        while time.time() < deadline and len(got) < expect:
            message = bound.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
            else:
                got.append(json.loads(message.body))
        return got

    offered = drain(3)
    assert sorted(o["data"]["volunteer_id"] for o in offered) == ["v-0", "v-1", "v-2"]
    links = [o["data"]["accept_url"] for o in offered] * 3

    def press(url):
        with httpx.Client(timeout=30) as web:
            response = web.post(url)
            return response.status_code, response.json().get("reason")

    with ThreadPoolExecutor(max_workers=len(links)) as pool:
        results = list(pool.map(press, links))
    assert sorted(code for code, _ in results) == [200] * 3 + [409] * 6, results
    assert {reason for code, reason in results if code == 409} == {"already_accepted"}

    facts = drain(4)
    assert sorted(f["type"] for f in facts) == ["dispatch.accepted"] * 3 + ["dispatch.filled"]
    assert drain(1, timeout=1.0) == []  # nothing more
    with platform.client("organiser", sub="org-1") as organiser:
        team = organiser.get("/api/v1/events/e-stage/dispatch").json()
    assert team["status"] == "filled" and sorted(m["volunteer_id"] for m in team["team"]) == ["v-0", "v-1", "v-2"]
    conn.release()
