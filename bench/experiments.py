"""Measured tuning proposals (the kit and the gateway are not changed here): each experiment times
the way the platform does a thing today against the proposed way, on this machine, in one run.

    python -m bench.experiments [--only relay_confirms,pre_ping,inbox_claim,sync_dependency]

Results print as a table and go to var/bench/experiments-<timestamp>.json; docs/performance.md
quotes them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AMQP = "amqp://guest:guest@localhost:5672/"
POSTGRES = "postgresql://postgres@localhost:5432"
BODY = json.dumps({"specversion": "1.0", "type": "venue.registered", "pad": "x" * 700}).encode()


def relay_confirms(args) -> list[dict]:
    """The outbox relay publishes each row and waits for its own confirm (kombu confirm_publish);
    proposal: publish the whole batch, then wait for all the confirms (pipelined, aio-pika)."""
    from kombu import Connection, Exchange, Queue

    n = args.messages
    queue_name = f"bench-exp-{uuid.uuid4().hex[:8]}"
    rows = []
    with Connection(AMQP, transport_options={"confirm_publish": True}) as conn:
        queue = Queue(queue_name, exchange=Exchange(""), routing_key=queue_name, durable=True)
        queue(conn.default_channel).declare()
        producer = conn.Producer()
        t0 = time.perf_counter()
        for _ in range(n):
            producer.publish(
                BODY, exchange="", routing_key=queue_name, delivery_mode=2, content_type="application/cloudevents+json"
            )
        per_message = time.perf_counter() - t0
        rows.append(
            {
                "experiment": "relay_confirms",
                "variant": "today: kombu, wait for each confirm",
                "n": n,
                "seconds": per_message,
                "per_s": n / per_message,
            }
        )

    async def pipelined(batch: int) -> float:
        import aio_pika

        connection = await aio_pika.connect(AMQP)
        channel = await connection.channel(publisher_confirms=True)
        t0 = time.perf_counter()
        for start in range(0, n, batch):
            await asyncio.gather(
                *(
                    channel.default_exchange.publish(
                        aio_pika.Message(
                            BODY,
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            content_type="application/cloudevents+json",
                        ),
                        routing_key=queue_name,
                    )
                    for _ in range(start, min(n, start + batch))
                )
            )
        elapsed = time.perf_counter() - t0
        await connection.close()
        return elapsed

    for batch in (200,):
        elapsed = asyncio.run(pipelined(batch))
        rows.append(
            {
                "experiment": "relay_confirms",
                "variant": f"proposal: batch of {batch}, one wait for all confirms",
                "n": n,
                "seconds": elapsed,
                "per_s": n / elapsed,
            }
        )
    with Connection(AMQP) as conn:
        Queue(queue_name)(conn.default_channel).delete()
    return rows


def _scratch_db():
    import psycopg2

    name = f"wenyun_exp_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(f"{POSTGRES}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    return admin, name


def _drop(admin, name):
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def pre_ping(args) -> list[dict]:
    """kit.engine: pool_pre_ping=True costs one more round trip (SELECT 1) per checkout, i.e. per
    transaction and per read; proposal: no pre-ping (pool_recycle stays), a lost connection is a
    503 the client retries — or pre-ping only after an error."""
    from sqlalchemy import create_engine, text

    admin, name = _scratch_db()
    rows = []
    try:
        url = f"{POSTGRES}/{name}"
        setup = create_engine(url)
        with setup.begin() as conn:
            conn.execute(text("CREATE TABLE t (id text PRIMARY KEY, v int)"))
        setup.dispose()
        for ping in (True, False):
            engine = create_engine(url, pool_size=5, pool_pre_ping=ping)
            with engine.begin() as conn:
                conn.execute(text("SELECT 1"))
            t0 = time.perf_counter()
            for _ in range(args.transactions):
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (:id, 1)"), {"id": uuid.uuid4().hex})
            elapsed = time.perf_counter() - t0
            engine.dispose()
            rows.append(
                {
                    "experiment": "pre_ping",
                    "variant": ("today: pool_pre_ping=True" if ping else "proposal: pool_pre_ping=False"),
                    "n": args.transactions,
                    "seconds": elapsed,
                    "per_s": args.transactions / elapsed,
                    "ms_each": 1000 * elapsed / args.transactions,
                }
            )
    finally:
        _drop(admin, name)
    return rows


def inbox_claim(args) -> list[dict]:
    """kit.unit_of_work Transaction.claim: SELECT the (event id, consumer) row, then INSERT it — two round
    trips in every handler's and command's transaction; proposal: one INSERT … ON CONFLICT DO NOTHING
    RETURNING (nothing returned = already processed)."""
    import psycopg2

    admin, name = _scratch_db()
    rows = []
    try:
        conn = psycopg2.connect(f"{POSTGRES}/{name}")
        with conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE inbox (event_id text, consumer text, event_type text, processed_at timestamptz,"
                " PRIMARY KEY (event_id, consumer))"
            )
        conn.commit()
        n = args.transactions
        for variant in ("today: SELECT then INSERT", "proposal: INSERT … ON CONFLICT DO NOTHING RETURNING"):
            t0 = time.perf_counter()
            for _ in range(n):
                key = uuid.uuid4().hex
                with conn.cursor() as cur:
                    if variant.startswith("today"):
                        cur.execute("SELECT event_id FROM inbox WHERE event_id = %s AND consumer = 'c'", (key,))
                        cur.fetchone()
                        cur.execute("INSERT INTO inbox VALUES (%s, 'c', 't', now())", (key,))
                    else:
                        cur.execute(
                            "INSERT INTO inbox VALUES (%s, 'c', 't', now()) ON CONFLICT DO NOTHING RETURNING event_id",
                            (key,),
                        )
                        cur.fetchone()
                conn.commit()
            elapsed = time.perf_counter() - t0
            rows.append(
                {
                    "experiment": "inbox_claim",
                    "variant": variant,
                    "n": n,
                    "seconds": elapsed,
                    "per_s": n / elapsed,
                    "ms_each": 1000 * elapsed / n,
                }
            )
        conn.close()
    finally:
        _drop(admin, name)
    return rows


def sync_dependency(args) -> list[dict]:
    """gateway.auth: `require()` and `optional_actor` are plain `def` dependencies, so FastAPI runs
    each in the thread pool (a thread hand-off per request, see the gateway profile: Condition.wait);
    proposal: `async def` (decoding a JWT is microseconds of CPU)."""
    from bench.runner import BareHttpServer, figures_from_load, run_load
    from bench.stats import percentile
    from gateway.auth import issue_token

    token = issue_token(b"x" * 32, sub="bench", role="admin")
    rows = []
    for mode in ("sync", "async"):
        with BareHttpServer(module="bench.dependency_app", extra=["--mode", mode]) as server:
            out = run_load(
                {
                    "base_url": server.url,
                    "concurrency": 20,
                    "warmup": 50,
                    "timeout": 30,
                    "headers": {"Authorization": f"Bearer {token}"},
                    "repeat": {"method": "GET", "path": "/api/v1/venues/x", "n": args.requests},
                }
            )
            figures = figures_from_load(mode, out)
            rows.append(
                {
                    "experiment": "sync_dependency",
                    "variant": (
                        "today: def dependency (thread pool)" if mode == "sync" else "proposal: async def dependency"
                    ),
                    "n": args.requests,
                    "seconds": figures.seconds,
                    "per_s": figures.throughput,
                    "p50_ms": percentile(figures.latencies_ms, 50),
                    "errors": figures.errors,
                }
            )
    return rows


EXPERIMENTS = {
    "relay_confirms": relay_confirms,
    "pre_ping": pre_ping,
    "inbox_claim": inbox_claim,
    "sync_dependency": sync_dependency,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.experiments", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=", ".join(EXPERIMENTS))
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--transactions", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1, help="run each experiment this many times (median kept)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in (args.only or ",".join(EXPERIMENTS)).split(",") if n.strip()]
    rows = []
    for name in names:
        print(f"experiment: {name} ...", flush=True)
        runs = [EXPERIMENTS[name](args) for _ in range(args.repeat)]
        for i, row in enumerate(runs[0]):
            row = dict(row)
            row["per_s"] = statistics.median(r[i]["per_s"] for r in runs if r[i]["per_s"])
            row["runs_per_s"] = [round(r[i]["per_s"] or 0, 1) for r in runs]
            rows.append(row)
    print(f"\n{'experiment':<16} {'variant':<58} {'n':>6} {'per s':>9} {'ms each':>8}")
    for row in rows:
        ms = 1000 / row["per_s"] if row.get("per_s") else float("nan")
        print(
            f"{row['experiment']:<16} {row['variant']:<58} {row['n']:>6} {row['per_s']:>9.0f} "
            f"{ms:>8.2f}" + (f"   p50 {row['p50_ms']:.1f} ms" if row.get("p50_ms") else "")
        )
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"experiments-{datetime.now().strftime('%Y%m%dT%H%M%S')}.json"
    import os

    path.write_text(json.dumps({"loadavg": os.getloadavg(), "rows": rows}, indent=2, ensure_ascii=False))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
