"""Baseline: the registration transaction done directly in SQL, without gateway, RPC or bus.

One counter row per event locked with SELECT … FOR UPDATE (as the events service does), the
decision (confirmed while general places remain, else waitlisted), an INSERT of the registration
and the counter UPDATE, in one transaction; N transactions from C concurrent connections
(threads sharing at most 20 connections, as the service's pool does; psycopg2 releases the GIL
while it waits). Runs in its own scratch database.

    python -m bench.sql_registration --postgres postgresql://postgres@localhost:5432 -n 1000 -c 50
"""

from __future__ import annotations

import argparse
import json
import queue
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg2

SCHEMA = """
CREATE TABLE event_places (id text PRIMARY KEY, capacity int NOT NULL, kept_back int NOT NULL,
                           confirmed int NOT NULL DEFAULT 0, waitlisted int NOT NULL DEFAULT 0);
CREATE TABLE registrations (id text PRIMARY KEY, event_id text NOT NULL REFERENCES event_places(id),
                            person_id text NOT NULL, status text NOT NULL, channel text NOT NULL,
                            party_size int NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
                            UNIQUE (event_id, person_id));
"""


def _admin(postgres_url: str):
    conn = psycopg2.connect(f"{postgres_url.rstrip('/')}/postgres")
    conn.autocommit = True
    return conn


def register(conn, event_id: str, person_id: str) -> str:
    with conn.cursor() as cur:
        cur.execute("SELECT capacity, kept_back, confirmed FROM event_places WHERE id = %s FOR UPDATE", (event_id,))
        capacity, kept_back, confirmed = cur.fetchone()
        status = "confirmed" if confirmed < capacity - kept_back else "waitlisted"
        cur.execute(
            "INSERT INTO registrations (id, event_id, person_id, status, channel, party_size) "
            "VALUES (%s, %s, %s, %s, 'online', 1)",
            (str(uuid.uuid4()), event_id, person_id, status),
        )
        column = "confirmed" if status == "confirmed" else "waitlisted"
        cur.execute(f"UPDATE event_places SET {column} = {column} + 1 WHERE id = %s", (event_id,))
    conn.commit()
    return status


def measure(postgres_url: str, n: int, concurrency: int, capacity: int, kept_back: int, pool_size: int = 20) -> dict:
    dbname = f"wenyun_bench_{uuid.uuid4().hex[:8]}"
    admin = _admin(postgres_url)
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{dbname}"')
    url = f"{postgres_url.rstrip('/')}/{dbname}"
    try:
        setup = psycopg2.connect(url)
        with setup.cursor() as cur:
            cur.execute(SCHEMA)
            cur.execute(
                "INSERT INTO event_places (id, capacity, kept_back) VALUES ('e1', %s, %s)", (capacity, kept_back)
            )
        setup.commit()
        setup.close()
        # C client threads share K connections (K ≤ 20, like the service's pool): PostgreSQL's
        # max_connections is shared with everything else on the machine.
        pool: queue.Queue = queue.Queue()
        connections = [psycopg2.connect(url) for _ in range(max(1, min(concurrency, pool_size)))]
        for conn in connections:
            pool.put(conn)

        def one(i: int):
            t0 = time.perf_counter()
            sent = time.time()
            conn = pool.get()
            try:
                status = register(conn, "e1", f"person-{i}")
            except psycopg2.Error as exc:
                conn.rollback()
                return [sent, (time.perf_counter() - t0) * 1000, 0, {"error": str(exc)[:200]}]
            finally:
                pool.put(conn)
            return [sent, (time.perf_counter() - t0) * 1000, 201, {"status": status}]

        with ThreadPoolExecutor(concurrency) as executor:
            list(executor.map(lambda _: None, range(concurrency)))  # threads started before the clock
            started = time.time()
            results = list(executor.map(one, range(n)))
            finished = time.time()
        check = psycopg2.connect(url)
        with check.cursor() as cur:
            cur.execute("SELECT capacity, kept_back, confirmed, waitlisted FROM event_places WHERE id = 'e1'")
            capacity_, kept_back_, confirmed, waitlisted = cur.fetchone()
            cur.execute("SELECT status, count(*) FROM registrations GROUP BY status")
            rows = dict(cur.fetchall())
        check.close()
        for conn in connections:
            conn.close()
        return {
            "started": started,
            "finished": finished,
            "results": results,
            "check": {
                "capacity": capacity_,
                "kept_back": kept_back_,
                "confirmed": confirmed,
                "waitlisted": waitlisted,
                "rows": rows,
            },
        }
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("-c", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--kept-back", type=int, default=30)
    parser.add_argument("--connections", type=int, default=20, help="connections shared by the client threads")
    args = parser.parse_args()
    print(json.dumps(measure(args.postgres, args.n, args.c, args.capacity, args.kept_back, args.connections)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
