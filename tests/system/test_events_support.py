"""Helpers of the events system tests (HTTP and AMQP only); no tests here.

`thousand_registrations` is the no-oversell proof of issue 4, run on PostgreSQL and on SQLite:
1,000 parallel online registrations (50 client threads) for a 100-place event with 10 places kept back.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import httpx

from tests.outside import OutsideSubscriber

CST = timezone(timedelta(hours=8))
ORGANISER = {"sub": "org-district", "name": "江津区文化馆"}
SHIMEN_SITE = {
    "name": "石门村晒坝",
    "village": "石门村",
    "town": "嘉平镇",
    "address": "嘉平镇石门村村委会旁",
    "coordinates": {"lat": 29.07, "lon": 106.21},
}


def in_days(days: float, hour: int = 19) -> datetime:
    day = (datetime.now(CST) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=CST)


def organiser(platform) -> httpx.Client:
    return platform.client("organiser", **ORGANISER)


def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


def published_event(platform, **fields) -> dict:
    with organiser(platform) as http:
        draft = ok(http.post("/api/v1/events", json=fields), 201)
        return ok(http.post(f"/api/v1/events/{draft['id']}/publish"))


def Subscriber(amqp_uri: str, routing_key: str = "#") -> OutsideSubscriber:
    """Another district system: its own queue bound to events.events (tests/outside.py)."""
    return OutsideSubscriber(amqp_uri, "events", routing_key)


RETRIES = 5


def _being_applied(response: httpx.Response) -> bool:
    return "idempotency_key" in response.json()


def thousand_registrations(platform, *, people: int = 1000, workers: int = 50) -> float:
    """Exactly 90 confirmed, the rest waitlisted in arrival (commit) order. Returns the seconds it took."""
    event = published_event(
        platform,
        title="国庆文艺汇演（线上预约）",
        kind="festival",
        festival="国庆",
        site=SHIMEN_SITE,
        start=in_days(12).isoformat(),
        end=in_days(12, 21).isoformat(),
        capacity=100,
        kept_back=10,
    )
    tokens = [platform.token("resident", sub=f"load-{n:04d}") for n in range(people)]
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    started = time.perf_counter()
    with httpx.Client(base_url=platform.base_url, timeout=60, limits=limits) as http:

        def register(token: str) -> httpx.Response:
            # As a resident's app does: its own Idempotency-Key, and a 503 (the service did not answer in
            # time on a loaded machine) or a 409 "being applied" tried again with it after a pause — the
            # retry gets the first answer if the first try was applied, and is applied once otherwise.
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
            for _ in range(RETRIES):
                response = http.post(f"/api/v1/events/{event['id']}/registrations", json={}, headers=headers)
                if (
                    response.status_code not in (409, 503)
                    or response.status_code == 409
                    and not _being_applied(response)
                ):
                    return response
                time.sleep(1.0)
            return response

        with ThreadPoolExecutor(max_workers=workers) as pool:
            responses = list(pool.map(register, tokens))
    took = time.perf_counter() - started
    assert [r.status_code for r in responses if r.status_code != 201] == []
    answers = [r.json() for r in responses]
    confirmed = [a for a in answers if a["status"] == "confirmed"]
    waiting = [a for a in answers if a["status"] == "waitlisted"]
    assert len(confirmed) == 90 and len(waiting) == people - 90
    assert all(a["general_places"] == 1 and a["kept_back_places"] == 0 for a in confirmed)
    # Arrival order is commit order: arrival numbers are 1..N without gaps, the confirmed arrived first,
    # and the waitlist positions are 1..910 in the order the registrations were made.
    assert sorted(a["seq"] for a in answers) == list(range(1, people + 1))
    assert max(a["seq"] for a in confirmed) < min(a["seq"] for a in waiting)
    by_arrival = sorted(waiting, key=lambda a: a["seq"])
    assert [a["waitlist_position"] for a in by_arrival] == list(range(1, people - 90 + 1))
    created = [datetime.fromisoformat(a["created_at"]) for a in by_arrival]
    assert created == sorted(created)
    with organiser(platform) as http:
        places = ok(http.get(f"/api/v1/events/{event['id']}"))["places"]
        assert (places["confirmed"], places["free_general"], places["free_kept_back"]) == (90, 0, 10)
        assert (places["waitlisted_parties"], places["waitlisted_people"]) == (people - 90, people - 90)
        listed = ok(http.get(f"/api/v1/events/{event['id']}/registrations", params={"status": "waitlisted"}))
        assert [(r["id"], r["waitlist_position"]) for r in listed] == [
            (a["id"], a["waitlist_position"]) for a in by_arrival
        ]
    return took
