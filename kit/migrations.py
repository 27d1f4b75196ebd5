"""Alembic, driven from code: each service keeps its own migration scripts in
`services/<name>/migrations/` and they are applied to its own database at start."""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config

from kit.engine import ensure_database, make_engine


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
    command.upgrade(alembic_config(service, url), "head")


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
