"""Replicas (issue 19): they start in any number at once, and one that dies between its commit and its
reply does not cost the caller the answer.

1. Eight `wenyun serve` processes — two of venues, events, volunteers and notifications — started at the
   same moment on PostgreSQL databases that do not exist yet (no `wenyun migrate` before): each creates
   its database or finds it created, migrates or waits for the replica that does (kit.migrations), and
   all eight come up and answer `wenyun health`.
2. A venues replica with WENYUN_FAULT=crash_after_commit beside a healthy one: the request it takes is
   committed, then the process exits before replying. The client's retry with the same Idempotency-Key
   gets the original 201 and body — the answer was stored in the transaction of the write.
3. Scale-out (issue 13): a second replica of venues and of notifications beside the platform's own, on
   quorum queues, are competing consumers of the RPC queue and of the event queue. A burst of 200
   `POST /api/v1/venues` through the gateway, 20 at a time, each with an Idempotency-Key, a quarter of
   them sent twice at once and again afterwards (client retries): every venue registered once, every
   retry answered with the first answer, every venue.registered fact applied once by notifications
   (one inbox claim, one message for the administrators), and both replicas of each service did part of
   the work.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.faults.helpers import log_records, query, queue_types, stored_venues
from tests.platform import ROOT, Platform

TOGETHER = ("venues", "events", "volunteers", "notifications")
START_WITHIN = 180  # seconds, for eight processes on a loaded two-core machine


@pytest.mark.timeout(START_WITHIN + 120)  # eight processes, then their health, then stopping them
def test_eight_replicas_started_at_once_on_empty_databases_all_come_up(amqp_uri, tmp_path):
    platform = Platform(amqp_uri, tmp_path)  # its databases do not exist yet
    try:
        names = [f"{service}-{replica}" for replica in (1, 2) for service in TOGETHER]
        started = time.monotonic()
        for name in names:
            platform.start(name, service=name.rsplit("-", 1)[0])
        for name in names:
            platform.wait_up(name, timeout=max(1.0, START_WITHIN - (time.monotonic() - started)))
        for service in TOGETHER:
            health = subprocess.run(
                [sys.executable, "-m", "wenyun", "health", service, "--timeout", "10"],
                cwd=ROOT,
                env=platform.env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert health.returncode == 0, f"{service}: {health.stdout} {health.stderr}"
        assert all(process.poll() is None for process in platform.processes.values()), platform.tail_logs()
        for name in names:
            log = platform.logs[name].read_text(errors="replace")
            assert "Traceback" not in log, f"{name}:\n{log[-3000:]}"
    finally:
        platform.stop_all()


@pytest.mark.timeout(300)  # the shared fault platform may start first (~10 s idle, minutes under load)
def test_a_retry_after_a_replica_died_between_commit_and_reply_gets_the_first_answer(platform):
    platform.start("venues-faulty", service="venues", WENYUN_FAULT="crash_after_commit")
    try:
        platform.wait_up("venues-faulty", timeout=90)
        faulty = platform.processes["venues-faulty"]
        first, key, venue = None, None, None
        with platform.client("admin") as http:
            # Replicas take turns: within a few requests one lands on the faulty replica, which then exits.
            for attempt in range(12):
                key = f"replay-{uuid.uuid4().hex}"
                venue = {
                    "name": f"replayed-{uuid.uuid4().hex[:6]}",
                    "kind": "village_centre",
                    "level": "village",
                    "town": "嘉平镇",
                }
                first = http.post("/api/v1/venues", json=venue, headers={"Idempotency-Key": key})
                if faulty.poll() is not None:
                    break
                assert first.status_code == 201, first.text
            assert platform.wait_exit("venues-faulty") == 17, "the faulty replica never took a request"
            assert venue is not None and first is not None
            # What the client saw first: the stored answer (the request was redelivered to the healthy
            # replica in time) or 503 (it was not) — never 409 "already applied".
            assert first.status_code in (201, 503), first.text
            retry = http.post("/api/v1/venues", json=venue, headers={"Idempotency-Key": key})
            assert retry.status_code == 201, retry.text
            if first.status_code == 201:
                assert retry.json() == first.json()
            again = http.post("/api/v1/venues", json=venue, headers={"Idempotency-Key": key})
            assert (again.status_code, again.json()) == (201, retry.json())
        stored = stored_venues(platform, venue["name"])
        assert [v["id"] for v in stored] == [retry.json()["id"]], "applied exactly once"
    finally:
        platform.kill("venues-faulty")


BURST = 200  # venues registered through the gateway
AT_ONCE = 20  # concurrent clients
TWICE_EVERY = 4  # every 4th venue is also sent a second time at once, and once more after the burst
SECOND_REPLICAS = {"venues-2": "venues", "notifications-2": "notifications"}


def _send_until_answered(http: httpx.Client, venue: dict, key: str, request_id: str) -> tuple[httpx.Response, list]:
    """POST one venue until it has its answer, as a client does: a 409 "being applied" (the same key's
    other send is still running on the other replica) or a 503 is sent again with the same key."""
    interim = []
    for attempt in range(50):
        response = http.post(
            "/api/v1/venues",
            json=venue,
            headers={"Idempotency-Key": key, "X-Request-Id": f"{request_id}-{attempt}"},
        )
        retriable = response.status_code == 503 or (
            response.status_code == 409 and "idempotency_key" in response.json()
        )
        if not retriable:
            return response, interim
        interim.append(response.status_code)
        time.sleep(0.1)
    return response, interim


@pytest.mark.timeout(300)  # the shared fault platform may start first; the test itself takes ~30-90 s
def test_two_replicas_of_venues_and_notifications_share_a_burst_and_apply_everything_once(platform):
    offsets = {name: platform.logs[name].stat().st_size for name in SECOND_REPLICAS.values()}
    for name, service in SECOND_REPLICAS.items():
        platform.start(name, service=service)
    try:
        for name in SECOND_REPLICAS:
            platform.wait_up(name, timeout=90)
        # The queues the replicas compete on are quorum queues (WENYUN_QUEUE_TYPE's default), as in a cluster.
        types = queue_types(platform.amqp_uri)
        if types is not None:
            competed_on = ["rpc-venues", "evt-venues-venue.registered--notifications.on_venue_registered"]
            assert {q: types.get(q) for q in competed_on} == dict.fromkeys(competed_on, "quorum"), types

        prefix = f"scaled-{uuid.uuid4().hex[:6]}"
        venues = [
            {"name": f"{prefix}-{i:03d}", "kind": "village_centre", "level": "village", "town": "嘉平镇"}
            for i in range(BURST)
        ]
        keys = [f"{prefix}-key-{i:03d}" for i in range(BURST)]
        twice = [i for i in range(BURST) if i % TWICE_EVERY == 0]
        # The second send of a key goes right after the first send of the next venue: both in flight at once.
        sends = []
        for i in range(BURST):
            sends.append((i, "first"))
            if i - 1 in twice:
                sends.append((i - 1, "second"))
        if BURST - 1 in twice:
            sends.append((BURST - 1, "second"))
        started = time.monotonic()
        with httpx.Client(
            base_url=platform.base_url,
            headers={"Authorization": f"Bearer {platform.token('admin')}"},
            timeout=15,
            limits=httpx.Limits(max_connections=AT_ONCE),
        ) as http:
            with ThreadPoolExecutor(AT_ONCE) as pool:
                results = list(
                    pool.map(
                        lambda send: (
                            send,
                            *_send_until_answered(
                                http, venues[send[0]], keys[send[0]], f"{prefix}-{send[0]}-{send[1]}"
                            ),
                        ),
                        sends,
                    )
                )
            burst_seconds = time.monotonic() - started
            answers: dict[int, list[dict]] = {}
            for (i, _), response, _ in results:
                assert response.status_code == 201, f"{keys[i]}: {response.status_code} {response.text}"
                answers.setdefault(i, []).append(response.json())
            # The client's later retry of the same keys: the first answer, at once.
            for i in twice:
                retry = http.post(
                    "/api/v1/venues",
                    json=venues[i],
                    headers={"Idempotency-Key": keys[i], "X-Request-Id": f"{prefix}-{i}-retry"},
                )
                assert retry.status_code == 201, retry.text
                answers[i].append(retry.json())
        interim = Counter(status for _, _, statuses in results for status in statuses)
        assert all(len(bodies) == (3 if i in twice else 1) for i, bodies in answers.items())
        assert [i for i, bodies in answers.items() if any(b != bodies[0] for b in bodies)] == [], "another answer"
        venue_ids = {bodies[0]["id"]: i for i, bodies in answers.items()}
        assert len(venue_ids) == BURST, "two keys got the same venue"

        # venues' database: each venue once, each key claimed once with its answer.
        stored = query(
            platform.database_urls["venues"], "SELECT id, name FROM venues WHERE name LIKE :p", p=f"{prefix}-%"
        )
        assert Counter(name for _, name in stored) == Counter(v["name"] for v in venues), "a venue twice or missing"
        assert {venue_id for venue_id, _ in stored} == set(venue_ids)
        claimed = Counter(
            json.loads(response)["id"]
            for (response,) in query(
                platform.database_urls["venues"],
                "SELECT response FROM inbox WHERE consumer = 'venues.register_venue' AND response IS NOT NULL",
            )
        )
        assert {v: claimed[v] for v in venue_ids} == dict.fromkeys(venue_ids, 1), "a key claimed twice or never"
        facts: dict[str, str] = {}  # fact id → venue id
        for fact_id, payload in query(
            platform.database_urls["venues"], "SELECT id, payload FROM outbox WHERE event_type = 'venue.registered'"
        ):
            venue_id = json.loads(payload)["data"]["venue_id"]
            if venue_id in venue_ids:
                facts[fact_id] = venue_id
        assert sorted(facts.values()) == sorted(venue_ids), "one venue.registered fact per venue"

        # notifications' database: each fact claimed once and its one message (to the administrators)
        # written once; a venue.registered asks for no e-mail or SMS.
        deadline = time.monotonic() + 60
        while True:
            applied = Counter(
                event_id
                for event_id, _ in query(
                    platform.database_urls["notifications"],
                    "SELECT event_id, consumer FROM inbox WHERE event_type = 'venue.registered'",
                )
                if event_id in facts
            )
            if set(applied) == set(facts) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert set(applied) == set(facts), f"{len(set(facts) - set(applied))} fact(s) never applied"
        assert [f for f, n in applied.items() if n != 1] == [], "a fact claimed twice by notifications"
        messages = Counter(
            (event_id, recipient)
            for event_id, recipient in query(
                platform.database_urls["notifications"],
                "SELECT event_id, recipient FROM inbox_messages WHERE event_type = 'venue.registered'",
            )
            if event_id in facts
        )
        assert messages == Counter({(f, "role:admin"): 1 for f in facts}), "not one message per fact"
        deliveries = query(
            platform.database_urls["notifications"],
            "SELECT event_id FROM deliveries WHERE event_type = 'venue.registered'",
        )
        assert [d for (d,) in deliveries if d in facts] == []

        # Who did the work: every replica's one log line per finished worker (kit.request_context) names
        # the request id the client sent; notifications logs each fact it applied with its id.
        replicas = {"venues": ["venues", "venues-2"], "notifications": ["notifications", "notifications-2"]}
        commands = {
            name: sum(
                1
                for r in log_records(platform.logs[name], offsets.get(name, 0))
                if r.get("entrypoint") == "register_venue"
                and r.get("outcome") == "ok"
                and str(r.get("request_id")).startswith(f"{prefix}-")
            )
            for name in replicas["venues"]
        }
        deadline = time.monotonic() + 10  # the log line follows the commit
        while True:
            applied_by = {
                name: Counter(
                    words[1]
                    for r in log_records(platform.logs[name], offsets.get(name, 0))
                    if len(words := str(r.get("message", "")).split()) > 1
                    and words[0] == "venue.registered"
                    and words[1] in facts
                )
                for name in replicas["notifications"]
            }
            seen = sum(applied_by.values(), Counter())
            if set(seen) == set(facts) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        facts_by = {name: sum(counts.values()) for name, counts in applied_by.items()}
        report = (
            f"{len(sends)} sends in {burst_seconds:.1f} s, interim answers {dict(interim)}; "
            f"commands per venues replica {commands}; facts per notifications replica {facts_by}"
        )
        print(report)
        assert sum(commands.values()) == BURST, f"each command run once, on one replica: {report}"
        assert all(commands.values()), f"a venues replica took no command: {report}"
        assert set(seen) == set(facts) and set(seen.values()) == {1}, f"each fact applied once: {report}"
        assert all(facts_by.values()), f"a notifications replica applied no fact: {report}"
    finally:
        for name in SECOND_REPLICAS:
            platform.kill(name, signal.SIGTERM)  # graceful: what it holds unacked goes back to the first replica
