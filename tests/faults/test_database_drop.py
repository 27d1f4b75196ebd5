"""PostgreSQL drops every connection of the venues database mid-stream (pg_terminate_backend):
requests in the blip may fail with a 5xx problem, afterwards everything works and nothing
committed is lost."""

from __future__ import annotations

import time
import uuid

import psycopg2
from sqlalchemy.engine import make_url

from tests.faults.helpers import OutsideSubscriber, VenueStream, assert_ledger


def terminate_connections(database_url: str) -> int:
    url = make_url(database_url)
    conn = psycopg2.connect(
        host=url.host or "localhost", port=url.port or 5432, user=url.username or "postgres", dbname="postgres"
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (url.database,),
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_dropped_database_connections_lose_nothing_committed(platform):
    prefix = f"pg-drop-{uuid.uuid4().hex[:6]}"
    subscriber = OutsideSubscriber(platform.amqp_uri)
    stream = VenueStream(platform, prefix, workers=3, limit=60).start()
    stream.wait_count(15)
    terminated = 0
    for _ in range(3):  # three blips, so some land inside transactions and inside the outbox relay
        terminated += terminate_connections(platform.database_urls["venues"])
        time.sleep(0.3)
    assert terminated > 0
    stream.finish()
    statuses = stream.statuses()
    assert set(statuses) <= {201, 409, 503}, statuses  # a dropped connection is a 503 problem, never a 500
    # Afterwards everything works again (the pool replaces dead connections: pre-ping).
    after = VenueStream(platform, f"{prefix}-after", workers=1, limit=5).start()
    after.finish()
    assert after.statuses() == {201: 5}, after.statuses()
    stream.outcomes += after.outcomes
    assert_ledger(platform, subscriber, prefix, stream)
    subscriber.delete()
