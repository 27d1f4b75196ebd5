"""Volunteers end to end, over HTTP and AMQP only, on PostgreSQL (issue 5's done-when):

- ten active `sound` volunteers at different distances; a dispatch.requested needing 3 (published by us on
  events.events, as the events service would) sends exactly 3 offers to the best-ranked; one declines via
  its link (GET page, then POST) → the 4th-ranked gets an offer; all accept → dispatch.filled; the
  organiser sees the team;
- a link tampered with or used twice is refused with a problem and changes nothing;
- an offer left past its deadline expires and moves on by itself (a reminder first); its link is refused;
- completing the event (delivered twice with one id, and again with another) credits hours once.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from kombu import Connection

from contracts.common import Coordinates
from contracts.envelope import to_cloudevent
from contracts.events import DispatchRequested, EventCancelled, EventCompleted, VolunteerNeed
from kit.bus import events_exchange
from tests.outside import OutsideSubscriber
from tests.platform import Platform

RESPONSE_SECONDS = 10
SITE = (29.80, 106.70)
SATURDAY = [{"day": "saturday", "start": "08:00", "end": "20:00"}]
ORGANISER = {"sub": "org-longxi", "name": "嘉平镇文化站"}


@pytest.fixture(scope="module")
def volunteer_platform(module_amqp_uri, tmp_path_factory):
    """The whole platform on PostgreSQL, with a dispatch clock in seconds (offers answerable for 10 s)."""
    running = Platform(
        module_amqp_uri,
        tmp_path_factory.mktemp("volunteers"),
        extra_env={
            "WENYUN_VOLUNTEERS_OFFER_RESPONSE_SECONDS": str(RESPONSE_SECONDS),
            "WENYUN_VOLUNTEERS_REMINDER_LEAD_SECONDS": "5",
            "WENYUN_VOLUNTEERS_TICK_SECONDS": "0.5",
        },
    ).start_all()
    yield running
    running.stop_all()


def Subscriber(amqp_uri: str) -> OutsideSubscriber:
    """Another district system: its own queue bound to volunteers.events (tests/outside.py)."""
    return OutsideSubscriber(amqp_uri, "volunteers", "#")


@pytest.fixture(scope="module")
def outside(volunteer_platform):
    subscriber = Subscriber(volunteer_platform.amqp_uri)
    yield subscriber
    subscriber.conn.release()


def publish(platform: Platform, fact, event_id: str | None = None) -> str:
    """What the events service does: a CloudEvent on the events.events exchange."""
    event_id = event_id or str(uuid.uuid4())
    exchange = events_exchange("events")
    with Connection(platform.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(
            to_cloudevent(fact, event_id=event_id),
            exchange=exchange,
            routing_key=fact.event_type,
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            declare=[exchange],
        )
    return event_id


def saturday(weeks_ahead: int) -> tuple[datetime, datetime]:
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    day = now.date() + timedelta(days=2)
    day += timedelta(days=(5 - day.weekday()) % 7 + 7 * weeks_ahead)
    start = datetime(day.year, day.month, day.day, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return start, start + timedelta(hours=3, minutes=30)


def request_for(event_id: str, count: int, start: datetime, end: datetime) -> DispatchRequested:
    return DispatchRequested(
        event_id=event_id,
        title="送文化下乡·龙溪村专场",
        organiser_id=ORGANISER["sub"],
        start=start,
        end=end,
        place_name="龙溪村文化广场",
        coordinates=Coordinates(lat=SITE[0], lon=SITE[1]),
        needs=[VolunteerNeed(role="音响", count=count, skills=["sound"])],
    )


def event_fact(cls, event_id: str, start, end, **extra):
    return cls(
        event_id=event_id,
        title="送文化下乡·龙溪村专场",
        kind="mobile_performance",
        organiser_id=ORGANISER["sub"],
        place_name="龙溪村文化广场",
        coordinates=Coordinates(lat=SITE[0], lon=SITE[1]),
        start=start,
        end=end,
        **extra,
    )


@pytest.fixture(scope="module")
def candidates(volunteer_platform) -> list[str]:
    """v-00 … v-09: active, skill `sound`, free on Saturdays, living 6, 12, … 60 km from the site."""
    ids = []
    with volunteer_platform.client("admin") as admin:
        for i in range(10):
            vid = f"v-{i:02d}"
            with volunteer_platform.client("volunteer", sub=vid) as me:
                applied = me.post(
                    "/api/v1/volunteers",
                    json={
                        "name": f"志愿者{i:02d}",
                        "phone": f"139{i:08d}",
                        "channels": ["sms", "inbox"],
                        "skills": ["sound"],
                        "availability": SATURDAY,
                        "village": "龙溪村",
                        "coordinates": {"lat": SITE[0] + 6 * (i + 1) / 111.195, "lon": SITE[1]},
                    },
                )
                assert applied.status_code == 201, applied.text
            reviewed = admin.post(f"/api/v1/volunteers/{vid}/review", json={"decision": "approve"})
            assert reviewed.json()["status"] == "active", reviewed.text
            ids.append(vid)
    return ids


@pytest.fixture(scope="module")
def unanswered(volunteer_platform, candidates, outside):
    """A dispatch whose offer nobody will answer (a week later, one place). Requested as early as the module
    allows, so its clock runs while the other tests do."""
    start, end = saturday(1)
    publish(volunteer_platform, request_for("e-longxi-2", 1, start, end))
    return start, end


def test_a_volunteer_sees_and_edits_only_their_own_record(volunteer_platform, candidates, unanswered):
    with volunteer_platform.client("volunteer", sub="v-00") as me:
        mine = me.get("/api/v1/volunteers/me")
        assert mine.status_code == 200 and mine.json()["id"] == "v-00" and mine.json()["status"] == "active"
        other = me.get("/api/v1/volunteers/v-01")
        assert other.status_code == 403 and other.headers["content-type"].startswith("application/problem+json")
        assert me.patch("/api/v1/volunteers/v-01", json={"name": "冒名"}).status_code == 403
        assert me.get("/api/v1/volunteers").status_code == 403
        edited = me.patch("/api/v1/volunteers/v-00", json={"languages": ["zh", "csl"], "tags": ["调音台"]})
        assert edited.status_code == 200 and edited.json()["languages"] == ["zh", "csl"]
        bad = me.patch("/api/v1/volunteers/v-00", json={"phone": "12345"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "phone"]
    with volunteer_platform.client() as public:
        standard = public.get("/api/v1/teams/standards", params={"village": "龙溪村"})
        assert standard.status_code == 200 and standard.json()["met"] is False
        assert "sound" in {s["code"] for s in public.get("/api/v1/volunteers/skills").json()}


def test_dispatch_offers_the_best_three_moves_on_fills_and_credits_hours(volunteer_platform, candidates, outside):
    platform = volunteer_platform
    start, end = saturday(0)
    publish(platform, request_for("e-longxi-1", 3, start, end))

    offered = outside.take(3, ("dispatch.offered",), event_id="e-longxi-1")
    assert sorted(o["data"]["volunteer_id"] for o in offered) == candidates[:3]  # the three nearest
    assert outside.take(1, ("dispatch.offered",), timeout=1.0, event_id="e-longxi-1") == []  # exactly 3
    offers = {o["data"]["volunteer_id"]: o["data"] for o in offered}
    first = offers["v-00"]
    assert first["decline_url"].startswith(f"{platform.base_url}/offers/")

    with httpx_client(platform) as web:
        # v-00 opens the decline link (the web app's page with a button; opening it changes nothing), then
        # confirms. A client asking for JSON gets what the link grants.
        shown = web.get(first["decline_url"], headers={"accept": "text/html"}, follow_redirects=True)
        assert str(shown.url).startswith(platform.web_url)
        assert shown.status_code == 200 and "确认婉拒" in shown.text and 'method="post"' in shown.text
        granted = web.get(first["decline_url"], headers={"accept": "application/json"})
        assert granted.json()["action"] == "decline" and granted.json()["offer"]["volunteer_id"] == "v-00"
        assert team_of(platform, "e-longxi-1")["open_offers"][0]["status"] == "offered"
        declined = web.post(first["decline_url"])
        assert declined.status_code == 200 and declined.json()["status"] == "declined"
        [fourth] = outside.take(1, ("dispatch.offered",), event_id="e-longxi-1")
        assert fourth["data"]["volunteer_id"] == "v-03"

        # Used twice, or tampered with: a clear problem, and nothing changes.
        before = team_of(platform, "e-longxi-1")
        again = web.post(first["accept_url"])
        assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
        assert again.json()["reason"] == "already_declined"
        token = first["accept_url"].rsplit("/", 1)[1]
        tampered = token.replace(token[-3], "A" if token[-3] != "A" else "B")
        refused = web.post(f"{platform.base_url}/offers/{tampered}")
        assert refused.status_code == 400 and refused.json()["reason"] == "invalid_link"
        assert (
            web.get(
                f"{platform.base_url}/offers/{tampered}", headers={"accept": "text/html"}, follow_redirects=True
            ).status_code
            == 400
        )
        assert team_of(platform, "e-longxi-1") == before

        # The others accept: v-01 by its link, v-02 and v-03 through the API (own offers only).
        accepted = web.post(offers["v-01"]["accept_url"])
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    with platform.client("volunteer", sub="v-02") as v02:
        assert v02.post(f"/api/v1/offers/{fourth['data']['offer_id']}/accept").status_code == 403
        assert v02.post(f"/api/v1/offers/{offers['v-02']['offer_id']}/accept").json()["status"] == "accepted"
    with platform.client("volunteer", sub="v-03") as v03:
        assert v03.post(f"/api/v1/offers/{fourth['data']['offer_id']}/accept").json()["status"] == "accepted"
        assert [o["status"] for o in v03.get("/api/v1/volunteers/v-03/offers").json()] == ["accepted"]

    [filled] = outside.take(1, ("dispatch.filled",), event_id="e-longxi-1")
    assert sorted(m["volunteer_id"] for m in filled["data"]["team"]) == ["v-01", "v-02", "v-03"]
    team = team_of(platform, "e-longxi-1")
    assert team["status"] == "filled" and team["open_offers"] == []
    assert sorted(m["volunteer_id"] for m in team["team"]) == ["v-01", "v-02", "v-03"]
    with platform.client("organiser", sub="org-other") as stranger:
        assert stranger.get("/api/v1/events/e-longxi-1/dispatch").status_code == 403

    # At the event: two of the three check in. Completion arrives twice (same id) and once more (new id).
    with platform.client("organiser", sub=ORGANISER["sub"]) as organiser:
        for vid in ("v-01", "v-02"):
            assert organiser.post(f"/api/v1/events/e-longxi-1/volunteers/{vid}/check-in").status_code == 200
        assert organiser.post("/api/v1/events/e-longxi-1/volunteers/v-05/check-in").status_code == 409
    completed = event_fact(EventCompleted, "e-longxi-1", start, end, attended=120)
    first_delivery = publish(platform, completed)
    publish(platform, completed, first_delivery)
    publish(platform, completed)
    credited = outside.take(2, ("hours.credited",), event_id="e-longxi-1")
    assert sorted((c["data"]["volunteer_id"], c["data"]["hours"]) for c in credited) == [("v-01", 3.5), ("v-02", 3.5)]
    assert outside.take(1, ("hours.credited",), timeout=1.5, event_id="e-longxi-1") == []  # and no more
    for vid, hours in (("v-01", 3.5), ("v-02", 3.5), ("v-03", 0)):
        with platform.client("volunteer", sub=vid) as me:
            assert me.get(f"/api/v1/volunteers/{vid}/hours").json()["total_hours"] == hours


def test_an_unanswered_offer_expires_and_moves_on_by_itself(volunteer_platform, candidates, outside, unanswered):
    platform = volunteer_platform
    start, end = unanswered  # a week after e-longxi-1: everyone is free
    [offer] = outside.take(1, ("dispatch.offered",), event_id="e-longxi-2")
    assert offer["data"]["volunteer_id"] == "v-00" and offer["data"]["reminder"] is False
    deadline = datetime.fromisoformat(offer["data"]["deadline"])
    offered_at = datetime.fromisoformat(offer["time"])
    assert deadline - offered_at == pytest.approx(timedelta(seconds=RESPONSE_SECONDS), abs=timedelta(seconds=1))

    # Nobody answers: a reminder, then expiry, then the next candidate — all by the service's own clock.
    [reminder] = outside.take(1, ("dispatch.offered",), timeout=RESPONSE_SECONDS + 2, event_id="e-longxi-2")
    assert reminder["data"]["reminder"] is True and reminder["data"]["offer_id"] == offer["data"]["offer_id"]
    [expired] = outside.take(1, ("dispatch.expired",), timeout=RESPONSE_SECONDS + 2, event_id="e-longxi-2")
    assert expired["data"]["offer_id"] == offer["data"]["offer_id"]
    [following] = outside.take(1, ("dispatch.offered",), event_id="e-longxi-2")
    assert following["data"]["volunteer_id"] == "v-01" and following["data"]["reminder"] is False

    # The expired link is refused (410) and changes nothing.
    before = team_of(platform, "e-longxi-2")
    with httpx_client(platform) as web:
        late = web.post(offer["data"]["accept_url"])
        assert late.status_code == 410 and late.json()["reason"] == "link_expired"
        page = web.get(offer["data"]["accept_url"], headers={"accept": "text/html"}, follow_redirects=True)
        assert page.status_code == 410 and "过期" in page.text
    assert team_of(platform, "e-longxi-2") == before
    assert [o["volunteer_id"] for o in before["open_offers"]] == ["v-01"]

    # The event is cancelled: the open offer is withdrawn and the volunteer told.
    publish(platform, event_fact(EventCancelled, "e-longxi-2", start, end, reason="暴雨预警"))
    [withdrawn] = outside.take(1, ("dispatch.withdrawn",), event_id="e-longxi-2")
    assert withdrawn["data"]["volunteer_id"] == "v-01" and "暴雨预警" in withdrawn["data"]["reason"]


def team_of(platform: Platform, event_id: str) -> dict:
    with platform.client("organiser", sub=ORGANISER["sub"]) as organiser:
        response = organiser.get(f"/api/v1/events/{event_id}/dispatch")
        assert response.status_code == 200, response.text
        return response.json()


def httpx_client(platform: Platform):
    """A browser-like client with no login (links need none)."""
    return platform.client()
