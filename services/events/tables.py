"""The events database (owned by this service only)."""
from __future__ import annotations

from sqlalchemy import Column, Float, MetaData, String, Table

from kit.tables import UtcDateTime, add_kit_tables

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

# A local copy of the venue facts this service needs (event-carried state; never read venues' tables).
venue_directory = Table(
    "venue_directory",
    metadata,
    Column("venue_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("level", String(20), nullable=False),
    Column("town", String(100)),
    Column("village", String(100)),
    Column("lat", Float),
    Column("lon", Float),
    Column("status", String(20), nullable=False, default="open"),
    Column("updated_at", UtcDateTime(), nullable=False),
)
