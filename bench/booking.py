"""booking_contention: many clients book the same few time slots of ONE room at once through the
gateway. Exactly one booking per slot may be confirmed; every other request must be refused with a
409 problem. Issue 7 names no baseline for this scenario: its figure is reported with the checks."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

from bench.runner import figures_from_load, run_load
from bench.stats import ScenarioResult
from bench.target import Target

SHANGHAI = timezone(timedelta(hours=8))
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _find(paths: dict, method: str, pattern: str) -> str | None:
    for path, ops in paths.items():
        if re.fullmatch(pattern, path) and method in ops:
            return path
    return None


def _fill(path: str, *ids: str) -> str:
    for value in ids:
        path = re.sub(r"\{[^}]+\}", value, path, count=1)
    return path


def routes(target: Target) -> dict | str:
    with target.client() as http:
        paths = http.get("/openapi.json").json().get("paths", {})
    found = {
        "room": _find(paths, "post", r"/api/v1/venues/\{[^}]+\}/rooms"),
        "hours": _find(paths, "put", r"/api/v1/venues/\{[^}]+\}/hours"),
        "book": _find(paths, "post", r"/api/v1/bookings"),
        "list": _find(paths, "get", r"/api/v1/bookings"),
    }
    missing = [k for k, v in found.items() if v is None]
    if missing:
        return f"the venues booking API is not there yet (no route for: {', '.join(missing)})"
    return found


def _check(response, what: str) -> dict:
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:300]}")
    return response.json()


def run(target: Target, args) -> ScenarioResult:
    result = ScenarioResult("booking_contention")
    found = routes(target)
    if isinstance(found, str):
        result.skipped = found
        return result
    clients, slots = args.booking_clients, max(1, args.booking_slots)
    with target.client("admin") as http:
        venue = _check(
            http.post(
                "/api/v1/venues",
                json={
                    "name": f"bench-booking-{uuid.uuid4().hex[:6]}",
                    "kind": "town_cultural_station",
                    "level": "town",
                    "town": "嘉平镇",
                },
            ),
            "create venue",
        )
        room = _check(
            http.post(
                _fill(found["room"], venue["id"]),
                json={"name": "多功能厅", "kind": "multi_function_room", "capacity": 100, "booking_policy": "public"},
            ),
            "create room",
        )
        _check(
            http.put(
                _fill(found["hours"], venue["id"]),
                json={"weekly": {day: ["08:00-22:00"] for day in DAYS}, "holiday_rule": "open"},
            ),
            "opening hours",
        )
    day = (datetime.now(SHANGHAI) + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    slot_times = [(day + timedelta(hours=h), day + timedelta(hours=h + 1)) for h in range(slots)]
    requests = []
    for i in range(clients):
        start, end = slot_times[i % slots]
        requests.append(
            {
                "method": "POST",
                "path": found["book"],
                "headers": target.headers("resident", sub=f"bench-booker-{i}"),
                "json": {
                    "room_id": room["id"],
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "attendees": 10,
                    "purpose": "排练",
                },
            }
        )
    load = run_load(
        {
            "base_url": target.base_url,
            "concurrency": args.booking_concurrency,
            "timeout": 30,
            "keep": ["id", "status", "start"],
            "requests": requests,
        }
    )
    result.ours = figures_from_load("POST /api/v1/bookings, one room", load, ok=(201, 409))
    statuses = result.ours.notes["statuses"]
    with target.client("admin") as http:
        listed = _check(http.get(found["list"], params={"room_id": room["id"]}), "list bookings")
    active = sorted((b for b in listed if b["status"] in ("confirmed", "pending")), key=lambda b: b["start"])
    overlaps = sum(1 for a, b in zip(active, active[1:]) if b["start"] < a["end"])
    per_slot = {}
    for b in active:
        per_slot[b["start"]] = per_slot.get(b["start"], 0) + 1
    result.extra = {
        "clients": clients,
        "concurrency": args.booking_concurrency,
        "slots": slots,
        "confirmed": statuses.get("201", 0),
        "conflicts_409": statuses.get("409", 0),
        "active_bookings_listed": len(active),
        "overlapping_pairs": overlaps,
        "max_active_per_slot": max(per_slot.values()) if per_slot else 0,
        "summary": f"confirmed {statuses.get('201', 0)} for {slots} slots (must be {slots}), "
        f"409 {statuses.get('409', 0)}, overlapping active bookings {overlaps}",
    }
    return result
