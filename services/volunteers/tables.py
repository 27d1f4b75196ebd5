"""The volunteers database (owned by this service only)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from kit.tables import UtcDateTime, add_kit_tables
from kit.venue_directory import venue_directory_table

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

# A local copy of the venue facts this service needs (never read venues' tables).
venue_directory = venue_directory_table(metadata)

# One row per person: the id is the person's id (a bearer token's `sub`).
volunteers = Table(
    "volunteers",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("name", String(50), nullable=False),
    Column("phone", String(20), nullable=False),
    Column("email", String(254)),
    Column("status", String(20), nullable=False, index=True),
    Column("status_reason", String(500)),
    Column("skills", JSON, nullable=False),  # codes of the controlled list
    Column("tags", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("availability", JSON, nullable=False),  # {"5": [["08:00:00", "20:00:00"]]}: weekday 0 = Monday
    Column("channels", JSON, nullable=False),
    Column("town", String(100)),
    Column("village", String(100)),
    Column("lat", Float),
    Column("lon", Float),
    Column("applied_at", UtcDateTime(), nullable=False),
    Column("applied_by", String(100), nullable=False),
    Column("reviewed_at", UtcDateTime()),
    Column("reviewed_by", String(100)),
    Column("updated_at", UtcDateTime(), nullable=False),
)

teams = Table(
    "teams",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("specialty", String(30)),
    Column("town", String(100), index=True),
    Column("village", String(100), index=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("leader_member_id", String(36)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

team_members = Table(
    "team_members",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("team_id", String(36), ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(50), nullable=False),
    Column("volunteer_id", String(100), ForeignKey("volunteers.id")),
    Column("joined_at", UtcDateTime(), nullable=False),
    UniqueConstraint("team_id", "volunteer_id", name="uq_team_members_volunteer"),
)

training_records = Table(
    "training_records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("volunteer_id", String(100), ForeignKey("volunteers.id"), nullable=False, index=True),
    Column("course", String(200), nullable=False),
    Column("provider", String(200), nullable=False, default=""),
    Column("hours", Float, nullable=False),
    Column("trained_on", Date, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# The service-hours log. An event credit is unique per (event, volunteer): crediting twice is impossible.
hours_log = Table(
    "hours_log",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("credit_key", String(400), nullable=False, unique=True),
    Column("volunteer_id", String(100), ForeignKey("volunteers.id"), nullable=False, index=True),
    Column("event_id", String(100)),
    Column("event_title", String(200)),
    Column("hours", Float, nullable=False),
    Column("served_on", Date, nullable=False, index=True),
    Column("source", String(10), nullable=False),  # event | manual
    Column("note", String(300)),
    Column("recorded_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("event_id", "volunteer_id", name="uq_hours_log_event_volunteer"),
)

# An organiser's 1–5 rating of one volunteer's service at one event.
service_ratings = Table(
    "service_ratings",
    metadata,
    Column("volunteer_id", String(100), ForeignKey("volunteers.id"), primary_key=True),
    Column("event_id", String(100), primary_key=True),
    Column("rating", Integer, nullable=False),
    Column("comment", String(500)),
    Column("rated_by", String(100), nullable=False),
    Column("rated_at", UtcDateTime(), nullable=False),
)

# Residents' satisfaction with each event (feedback.received), shown next to the events volunteers served.
event_satisfaction = Table(
    "event_satisfaction",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("rating_count", Integer, nullable=False),
    Column("rating_sum", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# One dispatch per event and generation (a reschedule starts generation 2, "<event>#2", and so on).
dispatches = Table(
    "dispatches",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("event_id", String(100), nullable=False, index=True),
    Column("generation", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("title", String(200), nullable=False),
    Column("organiser_id", String(100), nullable=False),
    Column("start", UtcDateTime(), nullable=False),
    Column("end", UtcDateTime(), nullable=False),
    Column("place_name", String(200), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("needs", JSON, nullable=False),  # [{"role", "count", "skills"}]
    Column("ranked", JSON, nullable=False),  # {role: [volunteer ids, best first]}
    Column("response_seconds", Float, nullable=False),
    Column("last_deadline", UtcDateTime()),
    Column("status", String(20), nullable=False),
    Column("cancelled_reason", String(500)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("event_id", "generation", name="uq_dispatches_event_generation"),
)

offers = Table(
    "offers",
    metadata,
    Column("id", String(250), primary_key=True),
    Column("dispatch_id", String(120), ForeignKey("dispatches.id"), nullable=False, index=True),
    Column("event_id", String(100), nullable=False, index=True),
    Column("volunteer_id", String(100), ForeignKey("volunteers.id"), nullable=False),
    Column("role", String(60), nullable=False),
    Column("status", String(20), nullable=False),
    Column("deadline", UtcDateTime(), nullable=False),
    Column("offered_at", UtcDateTime()),
    Column("closed_at", UtcDateTime()),
    Column("closed_reason", String(500)),
    Column("reminded_at", UtcDateTime()),
    UniqueConstraint("dispatch_id", "volunteer_id", name="uq_offers_dispatch_volunteer"),
    Index("ix_offers_status_deadline", "status", "deadline"),
    Index("ix_offers_volunteer_status", "volunteer_id", "status"),
)

checkins = Table(
    "checkins",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("volunteer_id", String(100), ForeignKey("volunteers.id"), primary_key=True),
    Column("checked_in_at", UtcDateTime(), nullable=False),
    Column("checked_in_by", String(100), nullable=False),
)

# Events known to have taken place (event.completed): a late check-in is credited at once.
completed_events = Table(
    "completed_events",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("start", UtcDateTime(), nullable=False),
    Column("end", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime(), nullable=False),
)

# Events known to be cancelled (event.cancelled): a dispatch request arriving late for one is ignored.
cancelled_events = Table(
    "cancelled_events",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("reason", String(500)),
    Column("cancelled_at", UtcDateTime(), nullable=False),
)
