"""Replicas (issue 19): they start in any number at once, and one that dies between its commit and its
reply does not cost the caller the answer.

1. Eight `wenyun serve` processes — two of venues, events, volunteers and notifications — started at the
   same moment on PostgreSQL databases that do not exist yet (no `wenyun migrate` before): each creates
   its database or finds it created, migrates or waits for the replica that does (kit.migrations), and
   all eight come up and answer `wenyun health`.
2. A venues replica with WENYUN_FAULT=crash_after_commit beside a healthy one: the request it takes is
   committed, then the process exits before replying. The client's retry with the same Idempotency-Key
   gets the original 201 and body — the answer was stored in the transaction of the write.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from tests.faults.helpers import stored_venues
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
