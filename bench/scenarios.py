"""The scenarios of `python -m bench`. Each returns a ScenarioResult: our figure through the real
gateway and bus, the baseline measured in the same run, or `skipped` with the reason."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pika

from bench.pages import page_latency  # noqa: F401 - the web app's pages (a scenario of its own module)
from bench.runner import BareHttpServer, figures_from_load, finish_load, parse_time, run_json, run_load, start_load
from bench.stats import Figures, ScenarioResult, percentile
from bench.target import Target
from bench.wrk import MISSING, figures_from_wrk, run_wrk, wrk_path


def _venue_body(name: str) -> dict:
    return {"name": name, "kind": "village_centre", "level": "village", "town": "嘉平镇", "village": "bench"}


def _openapi_paths(target: Target) -> dict:
    with target.client() as http:
        return http.get("/openapi.json").json().get("paths", {})


# ---- rpc_roundtrip -----------------------------------------------------------------------------


def rpc_roundtrip(target: Target, args) -> ScenarioResult:
    """With wrk (the field's generator) when it is there, its baseline with wrk too; else the asyncio client."""
    result = ScenarioResult("rpc_roundtrip")
    with target.client("admin") as http:
        created = http.post("/api/v1/venues", json=_venue_body(f"bench-rpc-{uuid.uuid4().hex[:6]}"))
        if created.status_code != 201:
            result.skipped = f"could not create a venue: {created.status_code} {created.text[:200]}"
            return result
        venue_id = created.json()["id"]
    path = f"/api/v1/venues/{venue_id}"
    if wrk_path() is not None:
        seconds, conns = args.rpc_seconds, args.rpc_concurrency
        run_wrk(target.base_url + path, connections=conns, seconds=2)  # warm-up: connections, caches
        result.ours = figures_from_wrk(
            "GET /api/v1/venues/{id} via gateway → venues (wrk)",
            run_wrk(target.base_url + path, connections=conns, seconds=seconds),
        )
        with BareHttpServer() as bare:
            run_wrk(bare.url + path, connections=conns, seconds=2)
            result.baseline = figures_from_wrk(
                "bare HTTP handler (uvicorn+starlette, wrk)",
                run_wrk(bare.url + path, connections=conns, seconds=seconds),
            )
        result.extra = {"generator": "wrk", "seconds": seconds, "connections": conns}
        return result
    print(f"bench: rpc_roundtrip with the asyncio client: {MISSING}", flush=True)
    spec = {
        "concurrency": args.rpc_concurrency,
        "warmup": 50,
        "timeout": 30,
        "repeat": {"method": "GET", "path": path, "n": args.rpc_requests},
    }
    result.ours = figures_from_load(
        "GET /api/v1/venues/{id} via gateway → venues", run_load({**spec, "base_url": target.base_url})
    )
    with BareHttpServer() as bare:
        result.baseline = figures_from_load(
            "bare HTTP handler (uvicorn+starlette)", run_load({**spec, "base_url": bare.url})
        )
    result.extra = {"generator": "bench.load", "requests": args.rpc_requests, "concurrency": args.rpc_concurrency}
    return result


def cached_read(target: Target, args) -> ScenarioResult:
    """A client that revalidates (If-None-Match with the ETag it holds): 304s through the gateway, wrk."""
    result = ScenarioResult("cached_read")
    if wrk_path() is None:
        result.skipped = MISSING
        return result
    with target.client("admin") as http:
        created = http.post("/api/v1/venues", json=_venue_body(f"bench-etag-{uuid.uuid4().hex[:6]}"))
        if created.status_code != 201:
            result.skipped = f"could not create a venue: {created.status_code} {created.text[:200]}"
            return result
        path = f"/api/v1/venues/{created.json()['id']}"
    with httpx.Client(base_url=target.base_url) as http:
        etag = http.get(path).headers.get("etag")
    if not etag:
        result.skipped = "the gateway sent no ETag"
        return result
    seconds, conns = args.rpc_seconds, args.rpc_concurrency
    result.ours = figures_from_wrk(
        "GET /api/v1/venues/{id}, If-None-Match → 304 (wrk)",
        run_wrk(target.base_url + path, connections=conns, seconds=seconds, headers={"If-None-Match": etag}),
        ok=(304,),
    )
    with BareHttpServer() as bare:
        run_wrk(bare.url + path, connections=conns, seconds=2)
        result.baseline = figures_from_wrk(
            "bare HTTP handler (uvicorn+starlette, wrk)", run_wrk(bare.url + path, connections=conns, seconds=seconds)
        )
    result.extra = {"generator": "wrk", "seconds": seconds, "connections": conns}
    return result


# ---- fanout --------------------------------------------------------------------------------------


class _Observer:
    """An outside queue on venues.events, consumed by its own thread: maps each CloudEvent id to its
    venue and records when it reached the outside world (commit → relay → broker → queue)."""

    def __init__(self, amqp_uri: str):
        import threading

        self.amqp_uri = amqp_uri
        self.venue_of: dict[str, str] = {}  # event id → venue id
        self.arrived: dict[str, float] = {}  # venue id → arrival time at this outside queue
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError(f"outside observer did not start: {self._error}")

    def _run(self) -> None:
        try:
            connection = pika.BlockingConnection(pika.URLParameters(self.amqp_uri))
            channel = connection.channel()
            queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
            channel.exchange_declare("venues.events", "topic", durable=True, passive=True)
            channel.queue_bind(queue, "venues.events", routing_key="venue.registered")

            def on_message(ch, method, _props, body):
                now = time.time()
                event = json.loads(body)
                venue_id = event.get("data", {}).get("venue_id")
                if venue_id:
                    self.venue_of[event["id"]] = venue_id
                    self.arrived.setdefault(venue_id, now)

            channel.basic_consume(queue, on_message, auto_ack=True)
            self._ready.set()
            while not self._stop.is_set():
                connection.process_data_events(time_limit=0.05)
            connection.close()
        except Exception as exc:  # noqa: BLE001
            self._error = exc
            self._ready.set()

    def drain(self) -> None:
        if self._error:
            raise RuntimeError(f"outside observer failed: {self._error}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)


def _fanout_once(target: Target, count: int, concurrency: int, rate: float | None, wait: float) -> dict:
    tag = uuid.uuid4().hex[:6]
    observer = _Observer(target.amqp_uri)
    inbox: dict[str, dict] = {}  # event id → message
    admin = target.headers("admin")
    polls = 0
    try:
        process = start_load(
            {
                "base_url": target.base_url,
                "concurrency": concurrency,
                "rate": rate,
                "timeout": 30,
                "headers": admin,
                "keep": ["id", "created_at"],
                "requests": [
                    {"method": "POST", "path": "/api/v1/venues", "json": _venue_body(f"bench-fanout-{tag}-{i}")}
                    for i in range(count)
                ],
            }
        )
        with httpx.Client(base_url=target.base_url, headers=admin, timeout=10) as http:

            def poll():
                nonlocal polls
                polls += 1
                response = http.get("/api/v1/inbox", params={"limit": 200})
                if response.status_code == 200:
                    for message in response.json():
                        if isinstance(message, dict) and message.get("event_id"):
                            inbox.setdefault(message["event_id"], message)

            while process.poll() is None:
                poll()
                observer.drain()
                time.sleep(0.05)
            load = finish_load(process)
            created = {
                r[3]["id"]: r[3]["created_at"] for r in load["results"] if r[2] == 201 and r[3] and r[3].get("id")
            }
            deadline = time.time() + wait
            while time.time() < deadline:
                poll()
                observer.drain()
                delivered = {v for e, v in list(observer.venue_of.items()) if e in inbox}
                if created and set(created) <= delivered:
                    break
                time.sleep(0.1)
    finally:
        observer.close()
    latencies, inbox_times, commit_times, broker_ms = [], [], [], []
    for event_id, venue_id in list(observer.venue_of.items()):
        if (
            venue_id in created
            and event_id in inbox
            and inbox[event_id].get("created_at")
            and venue_id in observer.arrived
        ):
            committed = parse_time(created[venue_id])
            stored = parse_time(inbox[event_id]["created_at"])
            latencies.append((stored - committed) * 1000)
            commit_times.append(committed)
            inbox_times.append(stored)
            broker_ms.append((observer.arrived[venue_id] - committed) * 1000)
    http_figures = figures_from_load("POST /api/v1/venues", load, ok=(201,))
    return {
        "load": load,
        "created": created,
        "latencies": latencies,
        "commit_times": commit_times,
        "inbox_times": inbox_times,
        "broker_ms": broker_ms,
        "http": http_figures,
        "polls": polls,
    }


def fanout(target: Target, args, rate: float | None) -> ScenarioResult:
    label = f"fanout @{rate:g}/s" if rate else "fanout (max)"
    result = ScenarioResult(label)
    run = _fanout_once(target, args.fanout_events, args.fanout_concurrency, rate, wait=args.fanout_wait)
    delivered = len(run["latencies"])
    ours = Figures(
        "commit → outbox → broker → notifications inbox",
        count=delivered,
        errors=run["http"].errors + (len(run["created"]) - delivered),
        latencies_ms=run["latencies"],
    )
    if run["commit_times"]:
        ours.seconds = max(run["inbox_times"]) - min(run["commit_times"])
    ours.notes = {
        "venues_created": len(run["created"]),
        "http_post": run["http"].summary(),
        "offered_rate_per_s": rate,
        "achieved_post_rate_per_s": run["http"].throughput,
        "commit_to_outside_queue_p50_ms": percentile(run["broker_ms"], 50),
        "commit_to_outside_queue_p99_ms": percentile(run["broker_ms"], 99),
        "inbox_polls": run["polls"],
    }
    result.ours = ours
    raw = run_json(
        ["-m", "bench.raw_amqp", "--amqp", target.amqp_uri, "--count", str(args.fanout_events)]
        + (["--rate", str(rate)] if rate else [])
    )
    received = raw["received"]
    result.baseline = Figures(
        "raw pika publish(confirm)/consume",
        count=len(received),
        errors=args.fanout_events - len(received),
        seconds=(max(r[1] for r in received) - raw["first_sent"]) if received else 0,
        latencies_ms=[(r[1] - r[0]) * 1000 for r in received],
    )
    post_rate = run["http"].throughput
    result.extra = {
        "events": args.fanout_events,
        "concurrency": args.fanout_concurrency,
        "rate": rate,
        # Issue 13's target for this row: the inbox keeps up with at least half the rate the POSTs got.
        "summary": f"POSTs answered {post_rate or 0:.1f}/s; delivered to the inbox ÷ POST rate = "
        + (f"{ours.throughput / post_rate:.2f}" if post_rate and ours.throughput else "n/a"),
    }
    return result


def _inbox_poller(target: Target):
    """GET /api/v1/inbox (newest 200) as often as it answers; collects each message once by event id."""
    import threading

    inbox: dict[str, dict] = {}
    stop = threading.Event()
    polls = [0]

    def run():
        with httpx.Client(base_url=target.base_url, headers=target.headers("admin"), timeout=10) as http:
            while not stop.is_set():
                polls[0] += 1
                try:
                    response = http.get("/api/v1/inbox", params={"limit": 200})
                    if response.status_code == 200:
                        for message in response.json():
                            if isinstance(message, dict) and message.get("event_id"):
                                inbox.setdefault(message["event_id"], message)
                except httpx.HTTPError:
                    pass
                stop.wait(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return inbox, stop, thread, polls


def fanout_bus(target: Target, args, rate: float | None = None) -> ScenarioResult:
    """The bus alone, without the HTTP front: M venue.registered facts committed into the venues
    outbox — in ONE transaction (a burst), or paced at `rate` per second in a transaction every 0.1 s —
    then relay → broker → notifications → inbox. Latency per event = inbox message created_at −
    its outbox row's created_at (the commit)."""
    from datetime import datetime, timezone

    from sqlalchemy import MetaData, create_engine, insert

    from contracts.envelope import to_cloudevent
    from contracts.venues import VenueRegistered
    from kit.tables import outbox_table

    result = ScenarioResult(f"fanout bus-only @{rate:g}/s" if rate else "fanout bus-only (burst)")
    database_url = args.venues_db or (target.platform.database_urls["venues"] if target.platform else None)
    if not database_url:
        result.skipped = "needs the venues database: a platform the bench starts itself, or --venues-db URL"
        return result
    count = args.bus_events
    outbox = outbox_table(MetaData())
    tag = uuid.uuid4().hex[:6]
    now = datetime.now(timezone.utc)
    rows, ids, committed_at = [], set(), {}
    for i in range(count):
        venue_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())
        fact = VenueRegistered(
            venue_id=venue_id,
            name=f"bench-bus-{tag}-{i}",
            kind="village_centre",
            level="village",
            town="嘉平镇",
            registered_by="bench",
        )
        rows.append(
            {
                "id": event_id,
                "seq": i,
                "exchange": fact.exchange(),
                "event_type": fact.event_type,
                "payload": to_cloudevent(fact, subject=venue_id, event_id=event_id).decode(),
                "created_at": now,
                "attempts": 0,
            }
        )
        ids.add(event_id)
    inbox, stop, thread, polls = _inbox_poller(target)
    observer = _Observer(target.amqp_uri)
    engine = create_engine(database_url)
    try:
        if rate:
            chunk = max(1, int(rate / 10))
            t0 = time.perf_counter()
            for k, start in enumerate(range(0, count, chunk)):
                delay = t0 + k * 0.1 - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                stamp = datetime.now(timezone.utc)
                part = [{**row, "created_at": stamp} for row in rows[start : start + chunk]]
                with engine.begin() as conn:
                    conn.execute(insert(outbox), part)
                committed_at.update((row["id"], stamp.timestamp()) for row in part)
        else:
            with engine.begin() as conn:
                conn.execute(insert(outbox), rows)
            committed_at = {row["id"]: now.timestamp() for row in rows}
        committed = time.time()
        deadline = committed + args.fanout_wait
        while time.time() < deadline and not ids <= set(inbox):
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(10)
        engine.dispose()
        observer.close()
    published = [observer.arrived[v] for e, v in list(observer.venue_of.items()) if e in ids and v in observer.arrived]
    delivered = [e for e in ids if e in inbox and inbox[e].get("created_at")]
    stored = [parse_time(inbox[e]["created_at"]) for e in delivered]
    latencies = [(parse_time(inbox[e]["created_at"]) - committed_at[e]) * 1000 for e in delivered]
    result.ours = Figures(
        "outbox burst → relay → broker → notifications inbox",
        count=len(stored),
        errors=count - len(stored),
        seconds=(max(stored) - now.timestamp()) if stored else 0,
        latencies_ms=latencies,
        notes={
            "inbox_polls": polls[0],
            # the relay stage alone: the last fact at an outside queue on venues.events
            "relay_published": len(published),
            "relay_seconds": round(max(published) - now.timestamp(), 3) if published else None,
            "relay_per_s": round(len(published) / (max(published) - now.timestamp()), 1) if published else None,
        },
    )
    raw = run_json(
        ["-m", "bench.raw_amqp", "--amqp", target.amqp_uri, "--count", str(count)]
        + (["--rate", str(rate)] if rate else [])
    )
    received = raw["received"]
    result.baseline = Figures(
        "raw pika publish(confirm)/consume",
        count=len(received),
        errors=count - len(received),
        seconds=(max(r[1] for r in received) - raw["first_sent"]) if received else 0,
        latencies_ms=[(r[1] - r[0]) * 1000 for r in received],
    )
    result.extra = {"events": count, "rate": rate}
    return result


# ---- registration_rush ------------------------------------------------------------------------------


def registration_rush(target: Target, args) -> ScenarioResult:
    from bench import rush

    return rush.run(target, args)


# ---- booking_contention ------------------------------------------------------------------------------


def booking_contention(target: Target, args) -> ScenarioResult:
    from bench import booking

    return booking.run(target, args)


# ---- dispatch_ranking ----------------------------------------------------------------------------------


def dispatch_ranking(target: Target | None, args) -> ScenarioResult:
    """bench/bench_dispatch_ranking.py's measurement (pure domain code: no platform involved)."""
    result = ScenarioResult("dispatch_ranking")
    try:
        from bench import bench_dispatch_ranking as d
    except Exception as exc:  # noqa: BLE001 - the volunteers domain may be mid-change
        result.skipped = f"bench/bench_dispatch_ranking.py cannot be imported: {exc}"
        return result
    n, places, repeat = args.dispatch_candidates, args.dispatch_places, args.dispatch_repeat
    try:
        import random

        candidates = d.synthetic_candidates(n, 20250607)
        kwargs = dict(required_skills={"sound"}, event_start=d.EVENT_START, event_end=d.EVENT_END, site=d.SITE)
        full = d.rank_candidates(candidates, **kwargs)
        rng = random.Random(20250607)
        keys = [(rng.randint(0, 10), rng.uniform(0, 120), f"v{i:06d}", rng.uniform(0, 50)) for i in range(n)]
        top = d.timings(lambda: d.rank_candidates(candidates, **kwargs, limit=places), repeat)
        whole = d.timings(lambda: d.rank_candidates(candidates, **kwargs), repeat)
        base = d.timings(lambda: sorted(keys), repeat)
    except Exception as exc:  # noqa: BLE001
        result.skipped = f"bench_dispatch_ranking's functions changed: {exc.__class__.__name__}: {exc}"
        return result
    per_second = lambda samples: len(samples) / (sum(samples) / 1000)  # noqa: E731 - rankings per second
    result.ours = Figures(
        f"rank {n} candidates, keep top {places}",
        count=len(top),
        seconds=sum(top) / 1000,
        latencies_ms=top,
        notes={
            "eligible": full.eligible,
            "considered": full.considered,
            "full_order_p50_ms": percentile(whole, 50),
            "rankings_per_s": per_second(top),
        },
    )
    result.baseline = Figures(f"sorted() of {n} 4-tuples", count=len(base), seconds=sum(base) / 1000, latencies_ms=base)
    result.extra = {"candidates": n, "places": places, "repeat": repeat, "unit": "one ranking"}
    return result


# ---- season_planner ------------------------------------------------------------------------------------


def season_planner(target: Target | None, args) -> ScenarioResult:
    """bench/bench_season_planner.py: plan a synthetic district's season (pure domain code: no platform).
    "count" is the orders fulfilled, so the throughput column reads orders per second of planning; the
    figures that matter (villages covered, travel per show, festivals hit) are in the notes and printed."""
    result = ScenarioResult("season_planner")
    try:
        from bench import bench_season_planner as planner_bench
    except Exception as exc:  # noqa: BLE001 - the events domain may be mid-change
        result.skipped = f"bench/bench_season_planner.py cannot be imported: {exc}"
        return result
    run = planner_bench.run(seed=args.planner_seed, time_limit=args.planner_time_limit)
    planned, greedy = run["planner"], run["greedy"]
    result.ours = Figures(
        "CP-SAT season plan",
        count=planned["orders_fulfilled"],
        seconds=planned["seconds"],
        latencies_ms=[planned["seconds"] * 1000],
        notes=planned,
    )
    result.baseline = Figures(
        "greedy: earliest order, nearest free troupe",
        count=greedy["orders_fulfilled"],
        seconds=greedy["seconds"],
        latencies_ms=[greedy["seconds"] * 1000],
        notes=greedy,
    )
    result.extra = run["district"]
    for label, figures in (("planner", planned), ("greedy ", greedy)):
        print(
            f"  season_planner {label}: orders {figures['orders_fulfilled']}, villages covered "
            f"{figures['villages_covered']}, travel {figures['travel_minutes_per_show']} min/show, festivals hit "
            f"{figures['festivals_hit']}, {figures['seconds']} s",
            flush=True,
        )
    return result
