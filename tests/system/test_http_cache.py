"""HTTP caching of public reads at the gateway (gateway/http_cache.py): ETag and Cache-Control on the notice
board, venue pages, iCal feeds and public objects; If-None-Match → 304 while the body is the same, 200 with a
new tag once it changed; nothing cacheable for a signed-in caller or a route that needs a token. Also the
pure-ASGI request-id and NUL checks that replaced BaseHTTPMiddleware."""

from __future__ import annotations

import uuid

import httpx

from gateway.http_cache import etag_of, matches


def test_if_none_match_uses_the_weak_comparison_of_rfc_9110():
    tag = etag_of(b'{"a": 1}')
    assert tag.startswith('W/"') and tag.endswith('"') and tag != etag_of(b'{"a": 2}')
    assert matches(tag, tag)
    assert matches(tag.removeprefix("W/"), tag)
    assert matches(f'"other", {tag}', tag)
    assert matches("*", tag)
    assert not matches('"other"', tag)
    assert not matches(None, tag)
    assert not matches("", tag)


def test_when_an_answer_was_drawn_is_not_part_of_its_tag():
    json_type = "application/json"
    one = etag_of(b'{"generated_at": "2026-12-03T08:00:00Z", "entries": []}', json_type)
    assert one == etag_of(b'{"entries": [], "generated_at": "2026-12-03T08:00:05Z"}', json_type)
    assert one != etag_of(b'{"generated_at": "2026-12-03T08:00:00Z", "entries": [1]}', json_type)


def _venue(shared_platform) -> str:
    body = {"name": f"缓存-{uuid.uuid4().hex[:6]}", "kind": "village_centre", "level": "village", "town": "嘉平镇"}
    with shared_platform.client("admin") as admin:
        created = admin.post("/api/v1/venues", json={**body, "village": "石门村"})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_a_public_object_is_revalidated_with_its_etag(shared_platform):
    venue_id = _venue(shared_platform)
    path = f"/api/v1/venues/{venue_id}"
    with httpx.Client(base_url=shared_platform.base_url, timeout=15) as anonymous:
        first = anonymous.get(path)
        assert first.status_code == 200, first.text
        tag = first.headers["ETag"]
        assert first.headers["Cache-Control"].startswith("public, max-age=")
        assert "Authorization" in first.headers["Vary"]
        again = anonymous.get(path, headers={"If-None-Match": tag, "X-Request-Id": "cache-test-1"})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["ETag"] == tag
        assert again.headers["X-Request-Id"] == "cache-test-1"
        assert anonymous.get(path, headers={"If-None-Match": f'{tag.removeprefix("W/")}, "x"'}).status_code == 304
        assert anonymous.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200

        with shared_platform.client("admin") as admin:
            changed = admin.patch(path, json={"address": "石门村村委会旁"})
        assert changed.status_code == 200, changed.text
        after = anonymous.get(path, headers={"If-None-Match": tag})
        assert after.status_code == 200
        assert after.json()["address"] == "石门村村委会旁"
        assert after.headers["ETag"] != tag


def test_notice_board_venue_page_and_ical_feed_answer_304(shared_platform):
    venue_id = _venue(shared_platform)
    with httpx.Client(base_url=shared_platform.base_url, timeout=15) as anonymous:
        for path in (
            "/api/v1/notice-board",
            f"/api/v1/venues/{venue_id}/notice",
            f"/api/v1/venues/{venue_id}/hours",
            f"/calendar/venues/{venue_id}.ics",
        ):
            first = anonymous.get(path)
            assert first.status_code == 200, (path, first.text)
            second = anonymous.get(path, headers={"If-None-Match": first.headers["ETag"]})
            assert second.status_code == 304, path
            assert second.content == b""
        feed = anonymous.get(f"/calendar/venues/{venue_id}.ics")
        assert feed.headers["Cache-Control"] == "public, max-age=300"  # the feed's own, kept


def test_nothing_is_public_for_a_signed_in_caller_or_a_private_route(shared_platform):
    venue_id = _venue(shared_platform)
    with shared_platform.client("resident", sub=f"resident-{uuid.uuid4().hex[:6]}") as resident:
        read = resident.get(f"/api/v1/venues/{venue_id}")
        assert read.status_code == 200
        assert read.headers["Cache-Control"] == "private, no-cache"
        assert (
            resident.get(f"/api/v1/venues/{venue_id}", headers={"If-None-Match": read.headers["ETag"]}).status_code
            == 304
        )
        mine = resident.get("/api/v1/registrations")
        assert mine.status_code == 200 and "ETag" not in mine.headers
    with httpx.Client(base_url=shared_platform.base_url, timeout=15) as anonymous:
        missing = anonymous.get(f"/api/v1/venues/{uuid.uuid4()}")
        assert missing.status_code == 404 and "ETag" not in missing.headers


def test_nul_characters_are_refused_with_400_and_the_request_id(shared_platform):
    with shared_platform.client("admin") as admin:
        in_body = admin.post(
            "/api/v1/venues",
            content=b'{"name": "a\\u0000b", "kind": "village_centre", "level": "village", "town": "x"}',
            headers={"Content-Type": "application/json", "X-Request-Id": "nul-test-1"},
        )
        assert in_body.status_code == 400, in_body.text
        assert in_body.json()["type"] == "urn:wenyun:problem:nul_character"
        assert in_body.headers["X-Request-Id"] == "nul-test-1"
        in_query = admin.get("/api/v1/venues?town=%00")
        assert in_query.status_code == 400 and in_query.json()["type"] == "urn:wenyun:problem:nul_character"
        # A write's body read for the check is still there for the route.
        ok = admin.post(
            "/api/v1/venues", json={"name": "整段", "kind": "village_centre", "level": "village", "town": "x"}
        )
        assert ok.status_code == 201, ok.text
