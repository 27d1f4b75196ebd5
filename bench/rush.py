"""registration_rush: N residents register at once for one published event (capacity, waitlist and
kept-back quota on), each with their own token, through the gateway; then the event's counters are
checked for oversell. Baseline: the same transaction directly in SQL (bench.sql_registration)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

from bench.runner import figures_from_load, run_json, run_load
from bench.stats import ScenarioResult
from bench.target import Target

SHANGHAI = timezone(timedelta(hours=8))


def _find(paths: dict, method: str, pattern: str) -> str | None:
    for path, ops in paths.items():
        if re.fullmatch(pattern, path) and method in ops:
            return path
    return None


def routes(target: Target) -> dict | str:
    """The events routes the rush needs, from the running gateway's OpenAPI; a str says what is missing."""
    with target.client() as http:
        paths = http.get("/openapi.json").json().get("paths", {})
    found = {
        "create": _find(paths, "post", r"/api/v1/events"),
        "publish": _find(paths, "post", r"/api/v1/events/\{[^}]+\}/publish"),
        "register": _find(paths, "post", r"/api/v1/events/\{[^}]+\}/registrations"),
        "get": _find(paths, "get", r"/api/v1/events/\{[^}]+\}"),
    }
    missing = [k for k, v in found.items() if v is None]
    if missing:
        return f"the events API is not there yet (no route for: {', '.join(missing)})"
    return found


def _fill(path: str, event_id: str) -> str:
    return re.sub(r"\{[^}]+\}", event_id, path, count=1)


def create_published_event(target: Target, found: dict, capacity: int, kept_back: int) -> dict:
    start = (datetime.now(SHANGHAI) + timedelta(days=20)).replace(hour=19, minute=0, second=0, microsecond=0)
    body = {
        "title": f"bench 中秋晚会 {uuid.uuid4().hex[:6]}",
        "kind": "festival",
        "festival": "中秋",
        "site": {"name": "嘉平镇文化广场", "town": "嘉平镇", "coordinates": {"lat": 29.8, "lon": 106.7}},
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "capacity": capacity,
        "kept_back": kept_back,
    }
    with target.client("organiser") as http:
        created = http.post(found["create"], json=body)
        if created.status_code not in (200, 201):
            raise RuntimeError(f"create event: {created.status_code} {created.text[:300]}")
        event = created.json()
        published = http.post(_fill(found["publish"], event["id"]), json={})
        if published.status_code not in (200, 201):
            raise RuntimeError(f"publish event: {published.status_code} {published.text[:300]}")
    return published.json()


def run(target: Target, args) -> ScenarioResult:
    result = ScenarioResult("registration_rush")
    found = routes(target)
    if isinstance(found, str):
        result.skipped = found
        return result
    n, concurrency = args.rush_clients, args.rush_concurrency
    capacity, kept_back = args.rush_capacity, args.rush_kept_back
    event = create_published_event(target, found, capacity, kept_back)
    path = _fill(found["register"], event["id"])
    requests = [
        {
            "method": "POST",
            "path": path,
            "json": {"party_size": 1, "channel": "online"},
            "headers": target.headers("resident", sub=f"bench-resident-{i}"),
        }
        for i in range(n)
    ]
    load = run_load(
        {
            "base_url": target.base_url,
            "concurrency": concurrency,
            "timeout": 30,
            "keep": ["id", "status", "waitlist_position"],
            "requests": requests,
        }
    )
    result.ours = figures_from_load("POST registrations via gateway → events", load, ok=(200, 201))
    by_status: dict[str, int] = {}
    for r in load["results"]:
        if r[2] in (200, 201) and r[3]:
            by_status[r[3].get("status")] = by_status.get(r[3].get("status"), 0) + 1
    with target.client("organiser") as http:
        after = http.get(_fill(found["get"], event["id"])).json()
    places = after.get("places") or {}
    general = capacity - kept_back
    confirmed = by_status.get("confirmed", 0)
    oversold = max(0, confirmed - general) + max(0, (places.get("confirmed") or 0) - capacity)
    result.extra = {
        "clients": n,
        "concurrency": concurrency,
        "capacity": capacity,
        "kept_back": kept_back,
        "responses_by_status": by_status,
        "event_places_after": places,
        "oversold": oversold,
        "summary": f"confirmed {confirmed}/{general} general places, waitlisted {by_status.get('waitlisted', 0)}, "
        f"oversold {oversold}",
    }
    try:
        sql = run_json(
            [
                "-m",
                "bench.sql_registration",
                "--postgres",
                target.postgres_url,
                "-n",
                str(n),
                "-c",
                str(concurrency),
                "--capacity",
                str(capacity),
                "--kept-back",
                str(kept_back),
            ]
        )
    except RuntimeError as exc:  # e.g. PostgreSQL out of connections: keep our figures, say why
        result.extra["baseline_failed"] = str(exc)[-300:]
        result.extra["summary"] += f"; SQL baseline failed: {str(exc).strip().splitlines()[-1][:120]}"
        return result
    result.baseline = figures_from_load("same transaction in SQL (psycopg2, FOR UPDATE)", sql, ok=(201,))
    result.baseline.notes["check"] = sql["check"]
    return result
