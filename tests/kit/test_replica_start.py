"""Replicas that start together (issue 19): every `wenyun serve` creates its database when missing and
migrates it, so several at once must not collide — neither on CREATE DATABASE nor on a migration run
twice at the same time (kit.engine.ensure_database, kit.migrations.migration_lock). And the size of
each process's connection pool is a setting (docs/deployment.md has the arithmetic)."""

from __future__ import annotations

import os
import uuid

import eventlet
import pytest
from sqlalchemy import create_engine, inspect, text

from kit.engine import drop_database, make_engine
from kit.migrations import upgrade
from kit.settings import PlatformSettings

REPLICAS = 4
POSTGRES_URL = os.environ.get("WENYUN_TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432")  # as conftest


def _together(url: str) -> list[BaseException | None]:
    """REPLICAS green threads migrate `url` at the same moment; what each one raised (None: fine)."""

    def one() -> BaseException | None:
        try:
            upgrade("events", url)
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            return exc
        return None

    pool = eventlet.GreenPool(REPLICAS)
    return list(pool.imap(lambda _: one(), range(REPLICAS)))


def _at_head(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"alembic_version", "registrations", "outbox", "inbox"} <= tables, tables
        with engine.connect() as conn:
            assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    finally:
        engine.dispose()


def test_replicas_create_and_migrate_one_postgresql_database_together():
    url = f"{POSTGRES_URL}/wt_{uuid.uuid4().hex[:10]}_events"  # does not exist yet
    try:
        assert _together(url) == [None] * REPLICAS
        _at_head(url)
    finally:
        drop_database(url)


def test_replicas_migrate_one_sqlite_database_together(tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    assert _together(url) == [None] * REPLICAS
    _at_head(url)


def test_pool_sizes_are_settings(monkeypatch):
    for name in ("WENYUN_DB_POOL_SIZE", "WENYUN_DB_MAX_OVERFLOW", "WENYUN_EVENTS_DB_POOL_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert PlatformSettings().db_pool("events") == (10, 10)
    monkeypatch.setenv("WENYUN_DB_POOL_SIZE", "4")
    monkeypatch.setenv("WENYUN_DB_MAX_OVERFLOW", "2")
    monkeypatch.setenv("WENYUN_EVENTS_DB_POOL_SIZE", "6")
    settings = PlatformSettings()
    assert settings.db_pool("events") == (6, 2)  # the service's own value wins
    assert settings.db_pool("venues") == (4, 2)
    engine = make_engine(f"{POSTGRES_URL}/postgres", pool_size=6, max_overflow=2)
    assert (engine.pool.size(), engine.pool._max_overflow) == (6, 2)  # type: ignore[attr-defined]
    engine.dispose()
    monkeypatch.setenv("WENYUN_VENUES_DB_POOL_SIZE", "0")
    with pytest.raises(ValueError):
        settings.db_pool("venues")
