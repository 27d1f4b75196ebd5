"""The notifications database (owned by this service only)."""
from __future__ import annotations

from sqlalchemy import Column, Index, MetaData, String, Table, Text

from kit.tables import UtcDateTime, add_kit_tables

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

# The in-app inbox: one row per person (or role audience) per fact.
inbox_messages = Table(
    "inbox_messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("recipient", String(150), nullable=False),  # a person id, or "role:<role>"
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("read_at", UtcDateTime()),
    Index("uq_inbox_message_per_fact", "recipient", "event_id", unique=True),
)
