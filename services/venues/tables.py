"""The venues database (owned by this service only)."""
from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, MetaData, String, Table, Text

from kit.tables import UtcDateTime, add_kit_tables

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

venues = Table(
    "venues",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_id", String(36), ForeignKey("venues.id"), nullable=True, index=True),
    Column("town", String(100)),
    Column("village", String(100)),
    Column("address", String(300), nullable=False, default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("accessibility", JSON, nullable=False, default=list),
    Column("contact_phone", String(40)),
    Column("contact_email", String(200)),
    Column("description", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False, default="open"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)
