"""Alembic, driven from code: each service keeps its own migration scripts in
`services/<name>/migrations/` and they are applied to its own database at start.

Every replica migrates at start, so replicas started together would run the same migration twice at
once: `upgrade` takes a lock first (PostgreSQL: a session advisory lock, released by the server when
the process dies; SQLite: a file lock beside the database), and the second one finds nothing to do."""

from __future__ import annotations

import fcntl
import importlib
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from kit.engine import ensure_database, is_sqlite, make_engine

# pg_advisory_lock's key for "migrating this database" (advisory locks are per database).
MIGRATION_LOCK_KEY = 0x57454E59554E  # "WENYUN"
MIGRATION_LOCK_TIMEOUT = "300s"  # a replica waits this long for another one's migration, then fails


def alembic_config(service: str, url: str) -> Config:
    package = importlib.import_module(f"services.{service}")
    location = Path(str(package.__file__)).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str, url: str) -> None:
    ensure_database(url)
    with migration_lock(url):
        command.upgrade(alembic_config(service, url), "head")


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Only one process migrates a database at a time; the others wait, then find it at head."""
    if is_sqlite(url):
        database = make_url(url).database
        if not database or database == ":memory:":
            yield
            return
        lock_path = Path(f"{database}.migrate-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a") as handle:
            while True:  # not a blocking flock: under eventlet that would stop every green thread
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f"SET lock_timeout = '{MIGRATION_LOCK_TIMEOUT}'"))
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
    finally:
        engine.dispose()


def make_revision(service: str, url: str, message: str) -> None:
    """Developers: autogenerate the next migration from the models (`wenyun makemigration`)."""
    upgrade(service, url)
    command.revision(alembic_config(service, url), message=message, autogenerate=True)


def run_env(target_metadata) -> None:
    """Body of every service's migrations/env.py (online mode only: we always have the database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "alembic_config() always sets sqlalchemy.url"
    engine = make_engine(url, pool_size=1)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
