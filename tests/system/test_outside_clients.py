"""What outside clients found (issue #16), through the gateway on one running platform.

Every cell of docs/authorisation.md:

Where the gateway can decide from the token (ⓑ in the table), each request carries an INVALID body: an
allowed caller gets 422 (let through, then the body was refused), a refused one 403 — so the test also
proves that authorisation comes before validation. The other rows send a harmless valid body.
"""

from __future__ import annotations

import httpx
import pytest
from icalendar import Calendar
from nameko.standalone.rpc import ClusterRpcProxy

from services.notifications.tests.helpers import wait_for
from tests.platform import Platform
from tests.system.test_events_support import SHIMEN_SITE, in_days, ok

ADMIN_ACTOR = {"sub": "district-admin", "role": "admin", "scopes": []}
LIMITS = {
    "WENYUN_RATE_LIMIT_WRITES_PER_CLIENT": "2000/minute",
    "WENYUN_RATE_LIMIT_WRITES_PER_TOKEN": "60/minute",
    "WENYUN_RATE_LIMIT_TOKEN_PAGES_PER_CLIENT": "20/minute",
    "WENYUN_MAX_BODY_BYTES": "200000",
}


@pytest.fixture(scope="module")
def shared_platform(module_amqp_uri, tmp_path_factory):
    """This module's platform, with the gateway's limits on (tests/platform.py turns them off)."""
    running = Platform(module_amqp_uri, tmp_path_factory.mktemp("platform"), extra_env=LIMITS).start_all()
    yield running
    running.stop_all()


TOWN = "嘉平镇"

ACTORS = {
    "resident": ("resident", "res-other", []),
    "volunteer": ("volunteer", "vol-other", []),
    "organiser_own": ("organiser", "org-own", []),
    "organiser_town": ("organiser", "org-town", [f"town:{TOWN}"]),
    "organiser_other": ("organiser", "org-other", []),
    "reviewer": ("organiser", "org-reviewer", ["volunteers:review"]),
    "manager_own": ("venue_manager", "vm-own", ["venue:{venue_id}"]),
    "manager_other": ("venue_manager", "vm-other", ["venue:some-other-venue"]),
    "admin": ("admin", "admin-1", []),
}
EVENT_STAFF = {"organiser_own", "organiser_town", "manager_own", "admin"}
EVENT_ORGANISERS = {"organiser_own", "organiser_town", "admin"}
REVIEWERS = {"reviewer", "admin"}

# (row name, method, path template, body, allowed columns, what an allowed caller gets)
ROWS = [
    ("event registrations", "GET", "/api/v1/events/{event_id}/registrations", None, EVENT_STAFF, {200}),
    ("check in", "POST", "/api/v1/registrations/{registration_id}/check-in", None, EVENT_STAFF, {200, 409, 422}),
    ("no-show", "POST", "/api/v1/registrations/{registration_id}/no-show", None, EVENT_STAFF, {200, 409, 422}),
    (
        "cancel someone's registration",
        "POST",
        "/api/v1/registrations/{registration_id}/cancel",
        {"reason": 7, "surprise": True},
        EVENT_STAFF,
        {422},
    ),
    ("change an event", "PATCH", "/api/v1/events/{event_id}", {"title": ""}, EVENT_ORGANISERS, {422}),
    ("reschedule an event", "POST", "/api/v1/events/{event_id}/reschedule", {"start": "soon"}, EVENT_ORGANISERS, {422}),
    ("read someone's contact", "GET", "/api/v1/people/{resident_id}", None, {"admin"}, {200}),
    ("replace someone's contact", "PUT", "/api/v1/people/{volunteer_id}", {"channels": "all"}, {"admin"}, {422}),
    ("list volunteers", "GET", "/api/v1/volunteers", None, REVIEWERS, {200}),
    ("read a volunteer", "GET", "/api/v1/volunteers/{volunteer_id}", None, REVIEWERS, {200}),
    ("change a volunteer", "PATCH", "/api/v1/volunteers/{volunteer_id}", {"phone": 5}, REVIEWERS, {422}),
    ("review a volunteer", "POST", "/api/v1/volunteers/{volunteer_id}/review", {"decision": "?"}, REVIEWERS, {422}),
    ("suspend a volunteer", "POST", "/api/v1/volunteers/{volunteer_id}/suspend", {"reason": []}, REVIEWERS, {422}),
    ("add hours", "POST", "/api/v1/volunteers/{volunteer_id}/hours", {"hours": "many"}, REVIEWERS, {422}),
    ("add training", "POST", "/api/v1/volunteers/{volunteer_id}/training", {"course": None}, REVIEWERS, {422}),
    (
        "change an offering",
        "PATCH",
        "/api/v1/offerings/{offering_id}",
        {"duration_minutes": -1},
        {"organiser_own", "admin"},
        {422},
    ),
    ("read a season plan", "GET", "/api/v1/season-plans/{plan_id}", None, {"organiser_own", "admin"}, {200}),
    (
        "change a team",
        "PATCH",
        "/api/v1/teams/{team_id}",
        {"name": ""},
        {"organiser_own", "organiser_town", "reviewer", "admin"},
        {422},
    ),
    (
        "set opening hours",
        "PUT",
        "/api/v1/venues/{venue_id}/hours",
        {"weekly": "always"},
        {"manager_own", "admin"},
        {422},
    ),
    (
        "preview opening hours",
        "POST",
        "/api/v1/venues/{venue_id}/hours/compliance-preview?week=2026-W50",
        {"weekly": "always"},
        {"manager_own", "admin"},
        {422},
    ),
    ("visits register", "GET", "/api/v1/venues/{venue_id}/visits", None, {"manager_own", "admin"}, {422}),
]


@pytest.fixture(scope="module")
def records(shared_platform):
    """One event (organised by org-own at the 嘉平镇 centre), one registration of a resident, one volunteer,
    one offering and one team of org-own."""
    platform = shared_platform
    with ClusterRpcProxy(
        {"AMQP_URI": platform.amqp_uri}, context_data=platform.rpc_context(ADMIN_ACTOR), timeout=30
    ) as cluster:
        seeded = cluster.venues.seed_demo(actor=ADMIN_ACTOR)
    rooms = seeded["rooms"]
    room_id = rooms.get("多功能活动室") or rooms["multi-function-room"]
    with platform.client("organiser", sub="org-own", name="嘉平镇文化站") as organiser:
        draft = ok(
            organiser.post(
                "/api/v1/events",
                json={
                    "title": "权限测试讲座",
                    "kind": "lecture",
                    "target_groups": ["everyone"],
                    "room_id": room_id,
                    "start": in_days(20, 10).isoformat(),
                    "end": in_days(20, 12).isoformat(),
                    "capacity": 20,
                },
            ),
            201,
        )
        event = ok(organiser.post(f"/api/v1/events/{draft['id']}/publish"))
        offering = ok(
            organiser.post(
                "/api/v1/offerings",
                json={
                    "title": "川剧折子戏",
                    "kind": "mobile_performance",
                    "provider": "江津川剧团",
                    "duration_minutes": 90,
                },
            ),
            201,
        )
        team = ok(
            organiser.post("/api/v1/teams", json={"name": "石门村志愿服务队", "kind": "volunteer_team", "town": TOWN}),
            201,
        )
        plan = ok(
            organiser.post(
                "/api/v1/season-plans",
                json={
                    "first_day": in_days(10).date().isoformat(),
                    "last_day": in_days(40).date().isoformat(),
                    "coverage_target": 0,
                    "time_limit_seconds": 1,
                    "troupes": [
                        {
                            "troupe_id": "troupe-1",
                            "name": "江津川剧团",
                            "base": {"lat": 29.0, "lon": 106.2},
                            "offering_ids": [offering["id"]],
                        }
                    ],
                },
            ),
            201,
        )
    assert event["town"] == TOWN and event["venue_id"] == seeded["venue_id"]
    with platform.client("resident", sub="res-owner") as resident:
        registration = ok(resident.post(f"/api/v1/events/{event['id']}/registrations", json={}), 201)
    with platform.client("volunteer", sub="vol-owner") as volunteer:
        ok(
            volunteer.post("/api/v1/volunteers", json={"name": "李志愿", "phone": "13800001111", "channels": ["sms"]}),
            201,
        )
    return {
        "event_id": event["id"],
        "registration_id": registration["id"],
        "resident_id": "res-owner",
        "volunteer_id": "vol-owner",
        "offering_id": offering["id"],
        "team_id": team["id"],
        "venue_id": seeded["venue_id"],
        "plan_id": plan["id"],
    }


CELLS = [(row, actor) for row in ROWS for actor in ACTORS]


@pytest.fixture(scope="module")
def http(shared_platform):
    with shared_platform.client() as client:  # one connection for every cell
        yield client


@pytest.mark.parametrize("row,actor", CELLS, ids=[f"{r[0]}-{a}" for r, a in CELLS])
def test_cell(shared_platform, records, http, row, actor):
    name, method, path, body, allowed, allowed_statuses = row
    role, sub, scopes = ACTORS[actor]
    token = shared_platform.token(role, sub=sub, scopes=[s.format(**records) for s in scopes])
    response = http.request(method, path.format(**records), json=body, headers={"Authorization": f"Bearer {token}"})
    if actor in allowed:
        assert response.status_code in allowed_statuses, f"{actor} on {name}: {response.status_code} {response.text}"
    else:
        assert response.status_code == 403, f"{actor} on {name}: {response.status_code} {response.text}"
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_retry_with_the_same_key_gets_the_first_answer_and_keys_are_per_caller(shared_platform, records, http):
    """Idempotency-Key as Stripe and the IETF draft: the retry replays status and body; another caller's `1`
    is theirs alone."""
    path = f"/api/v1/events/{records['event_id']}/registrations"

    def register(sub: str):
        token = shared_platform.token("resident", sub=sub)
        return http.post(path, json={}, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "1"})

    first = register("res-retry-a")
    retry = register("res-retry-a")
    other = register("res-retry-b")
    assert first.status_code == retry.status_code == 201, retry.text
    assert retry.json() == first.json()
    assert other.status_code == 201, other.text
    assert other.json()["id"] != first.json()["id"] and other.json()["person_id"] == "res-retry-b"


EVERY_DAY = [
    {"day": d, "start": "06:00", "end": "23:00"}
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
]


def test_an_event_needing_free_text_skills_reaches_a_volunteer_with_them(shared_platform, records, http):
    """One skill vocabulary from the event form to dispatch: 「搬运」 is the skill `carrying`; a skill nobody
    can have is refused where it is entered; a published event's need becomes an offer."""

    def as_(role, sub):
        return {"Authorization": f"Bearer {shared_platform.token(role, sub=sub)}"}

    ok(
        http.post(
            "/api/v1/volunteers",
            headers=as_("volunteer", "vol-carrier"),
            json={
                "name": "王搬运",
                "phone": "13900002222",
                "channels": ["inbox"],
                "skills": ["carrying"],
                "availability": EVERY_DAY,
                "town": "嘉平镇",
                "village": "石门村",
                "coordinates": SHIMEN_SITE["coordinates"],
            },
        ),
        201,
    )
    ok(
        http.post(
            "/api/v1/volunteers/vol-carrier/review", headers=as_("admin", "admin-1"), json={"decision": "approve"}
        )
    )

    event = {
        "title": "晒坝电影放映",
        "kind": "film_screening",
        "target_groups": ["everyone"],
        "site": SHIMEN_SITE,
        "start": in_days(9, 19).isoformat(),
        "end": in_days(9, 21).isoformat(),
    }
    organiser = as_("organiser", "org-own")
    refused = http.post(
        "/api/v1/events",
        headers=organiser,
        json={**event, "volunteer_needs": [{"role": "杂工", "count": 1, "skills": ["杂活"]}]},
    )
    assert refused.status_code == 422 and "carrying (搬运)" in refused.text, refused.text
    draft = ok(
        http.post(
            "/api/v1/events",
            headers=organiser,
            json={**event, "volunteer_needs": [{"role": "设备搬运", "count": 1, "skills": ["搬运"]}]},
        ),
        201,
    )
    assert draft["volunteer_needs"] == [{"role": "设备搬运", "count": 1, "skills": ["carrying"]}]
    ok(http.post(f"/api/v1/events/{draft['id']}/publish", headers=organiser))

    def offered():
        offers = ok(http.get("/api/v1/volunteers/vol-carrier/offers", headers=as_("volunteer", "vol-carrier")))
        return [o for o in offers if o["event_id"] == draft["id"]]

    [offer] = wait_for(offered, timeout=30)
    assert offer["role"] == "设备搬运" and offer["status"] == "offered"


def test_writes_and_offer_pages_are_rate_limited_per_token_and_per_client(shared_platform, records, http):
    """429 problem+json with Retry-After: one token's writes beyond 60 a minute, one address's offer-link
    pages beyond 20 a minute (a link is a secret: guessing them is what this slows down)."""
    token = {"Authorization": f"Bearer {shared_platform.token('resident', sub='res-hammering')}"}
    statuses = []  # the bucket refills one a second meanwhile: a few more than 60 get through
    while 429 not in statuses and len(statuses) < 90:
        statuses.append(http.post("/api/v1/registrations/none/cancel", headers=token).status_code)
    assert statuses[:60] == [404] * 60 and statuses[-1] == 429, statuses
    limited = http.post("/api/v1/registrations/none/cancel", headers=token)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert limited.json()["type"] == "urn:wenyun:problem:too_many_requests"
    other = {"Authorization": f"Bearer {shared_platform.token('resident', sub='res-calm')}"}
    assert http.post("/api/v1/registrations/none/cancel", headers=other).status_code == 404  # not their limit

    pages = []
    while 429 not in pages and len(pages) < 30:
        pages.append(http.get(f"/offers/guess-{len(pages)}").status_code)
    assert 429 not in pages[:20] and pages[-1] == 429, pages


def test_a_body_over_the_cap_is_refused_with_413(shared_platform, records, http):
    token = {"Authorization": f"Bearer {shared_platform.token('organiser', sub='org-big')}"}
    big = {"title": "x", "description": "长" * 100_000}  # 300 kB of UTF-8, over the platform's 200 kB
    sized = http.post("/api/v1/events", json=big, headers=token)
    assert sized.status_code == 413 and sized.headers["content-type"].startswith("application/problem+json")

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(30):
            yield b"x" * 10_000

    streamed = httpx.post(
        f"{shared_platform.base_url}/api/v1/events",
        content=chunks(),
        timeout=15,
        headers={**token, "content-type": "application/json"},
    )
    assert streamed.status_code == 413, streamed.text


def test_calendar_feeds_link_event_pages_and_raise_sequence_on_cancellation(shared_platform, records, http):
    """RFC 5545: a significant change raises SEQUENCE, or subscribed calendars keep the old copy."""
    organiser = {"Authorization": f"Bearer {shared_platform.token('organiser', sub='org-own')}"}
    event = ok(
        http.post(
            "/api/v1/events",
            headers=organiser,
            json={
                "title": "取消测试·露天电影",
                "kind": "film_screening",
                "target_groups": ["everyone"],
                "site": SHIMEN_SITE,
                "start": in_days(11, 19).isoformat(),
                "end": in_days(11, 21).isoformat(),
            },
        ),
        201,
    )
    ok(http.post(f"/api/v1/events/{event['id']}/publish", headers=organiser))

    def feed_entry():
        feed = Calendar.from_ical(http.get("/calendar/villages/石门村.ics").content)
        [entry] = [v for v in feed.walk("VEVENT") if str(v["UID"]) == f"{event['id']}@wenyun"]
        return entry

    published = feed_entry()
    assert int(published["SEQUENCE"]) == 0 and str(published["STATUS"]) == "CONFIRMED"
    assert str(published["URL"]) == f"{shared_platform.web_url}/events/{event['id']}"  # the page, not the API
    ok(http.post(f"/api/v1/events/{event['id']}/cancel", headers=organiser, json={"reason": "天气原因"}))
    cancelled = feed_entry()
    assert int(cancelled["SEQUENCE"]) == 1 and str(cancelled["STATUS"]) == "CANCELLED"
