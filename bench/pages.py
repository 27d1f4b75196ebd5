"""page_latency — how long the web app takes to answer each page on seeded data with the platform idle
(issue #12: every page ≤200 ms p95). Sequential requests (one browser), per page p50/p95; the baseline is the
web app's own /health (the same process, no API call). Figures only: nothing is asserted."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import httpx

from bench.stats import Figures, ScenarioResult, percentile
from bench.target import ROOT, Target

CST = timezone(timedelta(hours=8))
SITE = {"name": "石门村晒坝", "village": "石门村", "town": "嘉平镇", "coordinates": {"lat": 29.07, "lon": 106.21}}


def _web(target: Target, args) -> tuple[str, str]:
    """The web app's URL and its session key (started here: the test platform's; else derived as web does)."""
    if target.platform is not None:
        return target.platform.web_url, target.platform.web_session_key
    url = (args.web_url or os.environ.get("WENYUN_BENCH_WEB_URL") or "http://localhost:8080").rstrip("/")
    key = (
        os.environ.get("WENYUN_WEB_SESSION_KEY")
        or hmac.new(target.signing_key, b"wenyun-web-session-cookie", hashlib.sha256).hexdigest()
    )
    return url, key


def _seed(target: Target) -> dict:
    env = {**(target.platform.env if target.platform is not None else os.environ), "AMQP_URI": target.amqp_uri}
    done = subprocess.run(
        [sys.executable, "-m", "wenyun", "seed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    import json

    return json.loads(done.stdout)


def _events(target: Target, count: int = 20) -> list[str]:
    ids = []
    with target.client("organiser") as http:
        for n in range(count):
            day = datetime.now(CST).date() + timedelta(days=3 + n)
            start = datetime(day.year, day.month, day.day, 19, tzinfo=CST)
            draft = http.post(
                "/api/v1/events",
                json={
                    "title": f"页面测速·坝坝电影{n}",
                    "kind": "film_screening",
                    "site": SITE,
                    "capacity": 100,
                    "start": start.isoformat(),
                    "end": (start + timedelta(hours=2)).isoformat(),
                    "organiser_name": "bench",
                },
            )
            draft.raise_for_status()
            ids.append(http.post(f"/api/v1/events/{draft.json()['id']}/publish").raise_for_status().json()["id"])
    return ids


def _measure(http: httpx.Client, path: str, n: int) -> Figures:
    figures = Figures(f"GET {path}")
    http.get(path)  # warm-up
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        response = http.get(path)
        if response.status_code == 200:
            figures.count += 1
            figures.latencies_ms.append((time.perf_counter() - t0) * 1000)
        else:
            figures.errors += 1
    figures.seconds = time.perf_counter() - started
    return figures


def page_latency(target: Target, args) -> ScenarioResult:
    from web.session import encode_cookie  # the same cookie the web app sets

    result = ScenarioResult("page_latency")
    web_url, session_key = _web(target, args)
    try:
        httpx.get(f"{web_url}/health", timeout=3).raise_for_status()
    except httpx.HTTPError as exc:
        result.skipped = f"no web app at {web_url} ({exc.__class__.__name__}); pass --web-url"
        return result
    venue_id = _seed(target)["venue_id"]
    event_ids = _events(target)
    resident = target.token("resident", sub="bench-page-resident")
    cookie = encode_cookie(
        session_key,
        {"access_token": resident, "account": {"id": "bench-page-resident", "role": "resident", "name": "测速"}},
    )
    with target.client("resident") as api:
        api.headers["Authorization"] = f"Bearer {resident}"
        api.post(f"/api/v1/events/{event_ids[0]}/registrations", json={"party_size": 2})
    pages = [
        "/notice-board",
        "/notice-board?village=石门村&kind=film_screening",
        f"/events/{event_ids[0]}",
        f"/venues/{venue_id}",
        f"/venues/{venue_id}/notice",
        "/sign-in",
        "/my/registrations",
        "/my/inbox",
        "/volunteer",
    ]
    # The staff console, as an administrator (who sees every console page).
    admin = target.token("admin", sub="bench-page-admin")
    admin_cookie = encode_cookie(
        session_key, {"access_token": admin, "account": {"id": "bench-page-admin", "role": "admin", "name": "测速"}}
    )
    year = str(datetime.now(CST).year)
    console_pages = [
        "/console",
        "/console/events",
        f"/console/events/{event_ids[0]}",
        f"/console/events/{event_ids[0]}/edit",
        "/console/events/new",
        "/console/offerings",
        "/console/orders",
        "/console/venues",
        f"/console/venues/{venue_id}",
        f"/console/venues/{venue_id}/hours",
        f"/console/venues/{venue_id}/closures/new",
        f"/console/venues/{venue_id}/bookings",
        f"/console/venues/{venue_id}/registers",
        "/console/network",
        "/console/accounts",
        "/console/webhooks",
        "/console/dead-letters",
        "/console/reports",
        f"/console/reports?period={year}",
        f"/console/reports/district?period={year}",
    ]
    n = args.page_requests
    per_page = {}
    combined = Figures("every page (web app → gateway → services)")
    for cookie_value, paths in ((cookie, pages), (admin_cookie, console_pages)):
        with httpx.Client(base_url=web_url, cookies={"wenyun_session": cookie_value}, timeout=30) as http:
            for path in paths:
                figures = _measure(http, path, n)
                per_page[path] = {
                    "p50_ms": round(percentile(figures.latencies_ms, 50) or 0, 1),
                    "p95_ms": round(percentile(figures.latencies_ms, 95) or 0, 1),
                    "errors": figures.errors,
                }
                combined.count += figures.count
                combined.errors += figures.errors
                combined.seconds += figures.seconds
                combined.latencies_ms += figures.latencies_ms
    result.ours = combined
    with httpx.Client(base_url=web_url, timeout=30) as http:
        result.baseline = _measure(http, "/health", n)
        result.baseline.name = "web app /health (same process, no API call)"
    result.extra = {
        "requests_per_page": n,
        "pages": per_page,
        "slowest_p95": max(per_page.items(), key=lambda item: item[1]["p95_ms"]),
    }
    return result
