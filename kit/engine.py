"""SQLAlchemy engines for the two supported databases.

SQLite (the embedded default) gets WAL, a busy timeout and `BEGIN IMMEDIATE` transactions, so a
read-check-write (a booking's conflict check) can never interleave with another writer; the pool
holds ONE connection per process so eventlet workers queue for it cooperatively instead of
blocking the whole hub inside sqlite's busy handler. PostgreSQL gets a normal pool; under eventlet
the driver is made green by psycogreen (see kit.serve).
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from kit.telemetry import instrument_engine


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int | None = None) -> Engine:
    """`pool_size` connections kept open, `max_overflow` (default: as many again) opened for a burst:
    a PostgreSQL server must allow (pool_size + max_overflow) × processes (docs/deployment.md)."""
    engine = _new_engine(url, pool_size, max_overflow)
    instrument_engine(engine)  # OpenTelemetry spans for its SQL, when configured (kit.telemetry)
    return engine


def _new_engine(url: str, pool_size: int, max_overflow: int | None) -> Engine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Let SQLAlchemy's "begin" below decide transaction boundaries.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist (no-op for SQLite).

    Replicas starting together may all find it missing: the loser of the race gets DuplicateDatabase
    (or a unique violation on pg_database), which is fine as long as the database is there now."""
    if is_sqlite(url):
        return
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    exists = text("SELECT 1 FROM pg_database WHERE datname = :n")
    try:
        with admin.connect() as conn:
            for attempt in range(5):
                if conn.execute(exists, {"n": parsed.database}).scalar():
                    return
                try:
                    conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
                    return
                except DBAPIError:
                    # Also "template1 is being accessed by other users" while another CREATE copies it.
                    if attempt == 4 and not conn.execute(exists, {"n": parsed.database}).scalar():
                        raise
                    time.sleep(0.2 * (attempt + 1))
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    if is_sqlite(url):
        database = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        return
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        admin.dispose()
