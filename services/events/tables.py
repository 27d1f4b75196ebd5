"""The events database (owned by this service only)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from kit.tables import UtcDateTime, add_kit_tables
from kit.venue_directory import venue_directory_table

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

# A local copy of the venue facts this service needs (never read venues' tables).
venue_directory = venue_directory_table(metadata)

# The menu (菜单): what troupes and providers can deliver on request.
offerings = Table(
    "offerings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("provider", String(200), nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("target_groups", JSON, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("volunteer_needs", JSON, nullable=False),
    Column("available", Boolean, nullable=False, default=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Village and community orders (点单) of an offering, scheduled or declined by the district.
orders = Table(
    "orders",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("offering_id", String(36), ForeignKey("offerings.id"), nullable=False, index=True),
    Column("venue_id", String(36), nullable=False, index=True),
    Column("venue_name", String(200)),
    Column("town", String(100)),
    Column("village", String(100)),
    Column("lat", Float),
    Column("lon", Float),
    Column("requested_by", String(100), nullable=False),
    Column("earliest", Date, nullable=False),
    Column("latest", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("event_id", String(36)),
    Column("scheduled_for", Date),
    Column("decline_reason", Text),
    Column("decided_by", String(100)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("decided_at", UtcDateTime()),
)

# Cultural events. The row also holds the allocation counters: registrations lock it (SELECT … FOR
# UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) and update the counters in the same transaction;
# the CHECK constraints are the database's own guard against an oversell.
events = Table(
    "events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("kind", String(40), nullable=False),
    Column("festival", String(20)),
    Column("festival_warning", Text),
    Column("target_groups", JSON, nullable=False),
    Column("organiser_id", String(100), nullable=False, index=True),
    Column("organiser_name", String(200)),
    Column("place_kind", String(10), nullable=False),  # room | outdoor
    Column("place_name", String(300), nullable=False),
    Column("room_id", String(36), index=True),
    Column("room_name", String(200)),
    Column("room_capacity", Integer),
    Column("venue_id", String(36), index=True),
    Column("venue_name", String(200)),
    Column("town", String(100), index=True),
    Column("village", String(100), index=True),
    Column("address", String(300), nullable=False, default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("start", UtcDateTime(), nullable=False, index=True),
    Column("end", UtcDateTime(), nullable=False),
    Column("capacity", Integer),
    Column("kept_back", Integer, nullable=False, default=0),
    Column("release_lead_minutes", Integer, nullable=False),
    Column("release_at", UtcDateTime()),
    Column("released", Boolean, nullable=False, default=False),
    Column("confirmed_general", Integer, nullable=False, default=0),
    Column("confirmed_kept_back", Integer, nullable=False, default=0),
    Column("next_seq", Integer, nullable=False, default=1),
    Column("volunteer_needs", JSON, nullable=False),
    Column("free", Boolean, nullable=False, default=True),
    Column("recurrence", String(200)),
    Column("on_venue_closure", String(20), nullable=False, default="cancel"),
    Column("needs_reschedule", Boolean, nullable=False, default=False),
    Column("hold_booking_id", String(36), index=True),
    Column("sequence", Integer, nullable=False, default=0),
    Column("cancel_reason", Text),
    Column("offering_id", String(36), ForeignKey("offerings.id"), index=True),
    Column("order_id", String(36)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime()),
    CheckConstraint(
        "kept_back >= 0 AND confirmed_general >= 0 AND confirmed_kept_back >= 0", name="ck_events_counters_non_negative"
    ),
    CheckConstraint("confirmed_kept_back <= kept_back", name="ck_events_kept_back_not_oversold"),
    CheckConstraint(
        "capacity IS NULL OR confirmed_general + confirmed_kept_back <= capacity", name="ck_events_not_oversold"
    ),
)

registrations = Table(
    "registrations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False),
    Column("seq", Integer, nullable=False),  # arrival number at the event (assigned under the event lock)
    Column("status", String(20), nullable=False),
    Column("party_size", SmallInteger, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("person_id", String(100), nullable=False),
    Column("person_name", String(100)),
    Column("contact", JSON),
    Column("registered_by", String(100), nullable=False),
    Column("general_places", SmallInteger, nullable=False, default=0),
    Column("kept_back_places", SmallInteger, nullable=False, default=0),
    Column("cancel_reason", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("checked_in_at", UtcDateTime()),
    UniqueConstraint("event_id", "seq", name="uq_registrations_event_seq"),
    Index("ix_registrations_event_status_seq", "event_id", "status", "seq"),
    Index("ix_registrations_event_person", "event_id", "person_id"),
    # One active registration per person and event (the service checks first; this catches a race).
    Index(
        "uq_registrations_active_person",
        "event_id",
        "person_id",
        unique=True,
        postgresql_where=text("status IN ('waitlisted', 'confirmed', 'checked_in')"),
        sqlite_where=text("status IN ('waitlisted', 'confirmed', 'checked_in')"),
    ),
    Index("ix_registrations_registered_by", "registered_by"),
)

# One rating per registration that attended (the primary key makes "once" a constraint).
feedback = Table(
    "feedback",
    metadata,
    Column("registration_id", String(36), ForeignKey("registrations.id"), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False, index=True),
    Column("offering_id", String(36), index=True),
    Column("organiser_id", String(100), nullable=False, index=True),
    Column("rating", SmallInteger, nullable=False),
    Column("comment", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="ck_feedback_rating"),
)

# Feedback without registration (issue 17.8): a short code per event, shown at the event; one rating per
# phone number (kept as a hash salted with the event id, never the number itself).
feedback_codes = Table(
    "feedback_codes",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False, unique=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

walk_in_feedback = Table(
    "walk_in_feedback",
    metadata,
    Column("event_id", String(36), ForeignKey("events.id"), primary_key=True),
    Column("phone_hash", String(64), primary_key=True),
    Column("offering_id", String(36), index=True),
    Column("organiser_id", String(100), nullable=False, index=True),
    Column("rating", SmallInteger, nullable=False),
    Column("comment", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="ck_walk_in_feedback_rating"),
)

# 送文化下乡 season plans (issue 15): a draft is solved, reviewed (items pinned or removed), re-solved and
# published in one step. The request (troupes, rules) is kept so a re-solve plans with the same inputs.
season_plans = Table(
    "season_plans",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(20), nullable=False),  # draft | published
    Column("organiser_id", String(100), nullable=False, index=True),
    Column("organiser_name", String(200)),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("request", JSON, nullable=False),
    Column("solve", JSON, nullable=False),
    Column("score", JSON, nullable=False),
    Column("unplanned", JSON, nullable=False),
    Column("revision", Integer, nullable=False, default=1),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime()),
)

season_plan_items = Table(
    "season_plan_items",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("plan_id", String(36), ForeignKey("season_plans.id"), nullable=False, index=True),
    Column("order_id", String(36)),  # None: a coverage show
    Column("offering_id", String(36), nullable=False),
    Column("troupe_id", String(100), nullable=False),
    Column("venue_id", String(36), nullable=False),
    Column("day", Date, nullable=False),
    Column("half", String(10), nullable=False),  # morning | afternoon
    Column("start", UtcDateTime(), nullable=False),
    Column("end", UtcDateTime(), nullable=False),
    Column("travel_minutes", Integer, nullable=False),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("removed", Boolean, nullable=False, default=False),
    Column("event_id", String(36)),
)

# Whole-venue closures heard from venues (venue.closed / venue.reopened): the season planner keeps shows out
# of them. A local copy of venues' facts, like the venue directory.
site_closures = Table(
    "site_closures",
    metadata,
    Column("closure_id", String(36), primary_key=True),
    Column("venue_id", String(36), nullable=False, index=True),
    Column("starts", UtcDateTime(), nullable=False),
    Column("ends", UtcDateTime(), nullable=False),  # the expected reopening, or when it reopened
)
