"""The tables every service has besides its own: the outbox (facts to publish) and the inbox
(CloudEvent ids already applied, and idempotency keys of RPC commands with their answers). Each
service adds them to its own metadata and migrations."""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite stores no zone: we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UtcDateTime column")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", String(36), primary_key=True),  # the CloudEvent id: stable across re-sends
        Column("seq", Integer, nullable=False, index=True),  # publish order
        Column("exchange", String(100), nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("payload", Text, nullable=False),  # the structured CloudEvent JSON
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        extend_existing=True,
    )


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(64), primary_key=True),
        Column("consumer", String(150), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("processed_at", UtcDateTime(), nullable=False),
        # An RPC command claimed with an idempotency key: its answer (JSON), replayed to a retry.
        Column("response", Text, nullable=True),
        extend_existing=True,
    )


def add_kit_tables(metadata: MetaData) -> tuple[Table, Table]:
    return outbox_table(metadata), inbox_table(metadata)
