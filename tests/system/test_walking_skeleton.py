"""The foundation's promise, over HTTP and AMQP only: a venue registered through the gateway is
stored, published as a CloudEvent through the outbox, and consumed exactly once — even when the
venues process dies between its commit and the publish."""

from __future__ import annotations

import json
import time

import pytest
from kombu import Connection, Queue

from kit.bus import events_exchange

VENUE = {"name": "嘉平镇文化服务中心", "kind": "town_cultural_station", "level": "town", "town": "嘉平镇"}


def bind_outside_queue(amqp_uri: str) -> tuple[Connection, Queue]:
    conn = Connection(amqp_uri)
    queue = Queue("district-archive", exchange=events_exchange("venues"), routing_key="venue.#", durable=True)
    queue(conn.default_channel).declare()
    return conn, queue


def received(conn, queue, timeout=10.0, expect=1):
    bound, got, deadline = queue(conn.default_channel), [], time.time() + timeout
    while time.time() < deadline and len(got) < expect:
        message = bound.get(no_ack=True)
        if message is None:
            time.sleep(0.05)
        else:
            got.append(json.loads(message.body))
    return got


def admin_inbox(platform) -> list[dict]:
    with platform.client("admin") as http:
        return http.get("/api/v1/inbox").json()


def wait_for(predicate, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_register_venue_end_to_end(backend, request):
    platform = request.getfixturevalue("platform" if backend == "postgresql" else "sqlite_platform")
    health = platform.wait_healthy()
    assert {s: v["status"] for s, v in health["services"].items()} == {
        "venues": "ok",
        "events": "ok",
        "volunteers": "ok",
        "notifications": "ok",
        "accounts": "ok",
        "reports": "ok",
    }
    conn, queue = bind_outside_queue(platform.amqp_uri)
    with platform.client("admin") as http:
        created = http.post("/api/v1/venues", json=VENUE)
        assert created.status_code == 201, created.text
        venue = created.json()
        assert http.get(f"/api/v1/venues/{venue['id']}").json()["name"] == VENUE["name"]
    [event] = received(conn, queue)
    assert event["type"] == "venue.registered" and event["specversion"] == "1.0"
    assert event["source"] == "/wenyun/venues" and event["id"] and event["time"]
    assert event["data"]["venue_id"] == venue["id"]
    inbox = wait_for(lambda: [m for m in admin_inbox(platform) if m["event_id"] == event["id"]])
    assert len(inbox) == 1
    conn.release()


def test_bad_requests_are_problems_and_store_nothing(platform):
    with platform.client() as anonymous:
        response = anonymous.post("/api/v1/venues", json=VENUE)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 401
    with platform.client("admin") as http:
        malformed = http.post("/api/v1/venues", content=b'{"name": ', headers={"content-type": "application/json"})
        assert malformed.status_code == 400 and malformed.json()["type"].endswith("malformed_json")
        wrong = http.post("/api/v1/venues", json={**VENUE, "kind": "castle"})
        assert wrong.status_code == 422 and wrong.headers["content-type"].startswith("application/problem+json")
        assert any(e["loc"][-1] == "kind" for e in wrong.json()["errors"])
        extra = http.post("/api/v1/venues", json={**VENUE, "owner": "me"})
        assert extra.status_code == 422
        nul_body = http.post("/api/v1/venues", json={**VENUE, "name": "嘉平\u0000镇"})
        assert nul_body.status_code == 400 and nul_body.json()["type"].endswith("nul_character")
        assert http.get("/api/v1/notice-board", params={"village": "a\x00b"}).status_code == 400
        missing = http.get("/api/v1/venues/does-not-exist")
        assert missing.status_code == 404 and missing.json()["title"] == "Not found"
        assert http.get("/api/v1/venues").json() == []
    with platform.client("organiser") as organiser:
        assert organiser.post("/api/v1/venues", json=VENUE).status_code == 403


def test_crash_between_commit_and_publish_loses_nothing(platform):
    conn, queue = bind_outside_queue(platform.amqp_uri)
    platform.kill("venues")
    platform.start("venues", WENYUN_FAULT="crash_after_commit")
    platform.wait_service("venues")
    with platform.client("admin") as http:
        response = http.post("/api/v1/venues", json=VENUE)
        assert response.status_code == 503  # the process died before answering
        assert platform.wait_exit("venues") == 17
        assert received(conn, queue, timeout=1.5) == []  # committed, not yet published
        platform.start("venues")
        platform.wait_service("venues")
        venues = http.get("/api/v1/venues").json()
        assert [v["name"] for v in venues] == [VENUE["name"]]  # the commit survived
    events = received(conn, queue, timeout=10)
    assert len(events) == 1 and events[0]["data"]["venue_id"] == venues[0]["id"]
    inbox = wait_for(lambda: [m for m in admin_inbox(platform) if m["event_id"] == events[0]["id"]])
    assert len(inbox) == 1
    # A redelivery of the same fact (e.g. a relay that crashed after publishing) has no second effect.
    with Connection(platform.amqp_uri) as publisher:
        publisher.Producer().publish(
            json.dumps(events[0]).encode(),
            exchange=events_exchange("venues"),
            routing_key="venue.registered",
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
        )
    time.sleep(2)
    assert len([m for m in admin_inbox(platform) if m["event_id"] == events[0]["id"]]) == 1
    conn.release()


def test_platform_documents(platform):
    from openapi_spec_validator import validate

    with platform.client() as http:
        spec = http.get("/openapi.json").json()
        assert spec["openapi"].startswith("3.1")
        validate(spec)
        docs = http.get("/docs")
        assert (
            docs.status_code == 200
            and "http://" not in docs.text.replace(platform.base_url, "")
            and "https://" not in docs.text
        )
        asset = [line for line in docs.text.split('"') if line.endswith("swagger-ui-bundle.js")][0]
        assert http.get(asset).status_code == 200
        asyncapi = http.get("/asyncapi.json").json()
        assert asyncapi["asyncapi"].startswith("3.") and "venue_registered" in asyncapi["channels"]
        metrics = http.get("/metrics").text
        assert "wenyun_http_requests_total" in metrics
