"""The venues database (owned by this service only).

Times are UTC (`UtcDateTime`); dates of registers and exceptions are local (Asia/Shanghai) dates.
On PostgreSQL an exclusion constraint on `bookings` (added in a migration, see
`migrations/versions/*_checked_in_bookings_hold_their_room.py`) makes double booking impossible
whatever the application does: no two pending, confirmed or checked-in bookings of a room may overlap
(buffer included).
"""

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
    Text,
    UniqueConstraint,
    false,
)

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
    # Added with rooms and opening hours:
    Column("services", JSON, nullable=True),  # service items of the public notice
    Column("asset_number_prefix", String(10), nullable=True),
    Column("weekly_hours", JSON, nullable=True),  # {"monday": ["09:00-12:00", ...], ...}; None = not set
    Column("holiday_rule", String(20), nullable=False, server_default="by_arrangement"),
    Column("updated_at", UtcDateTime(), nullable=True),
)

rooms = Table(
    "rooms",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("venue_id", String(36), ForeignKey("venues.id"), nullable=False, index=True),
    Column("code", String(60), nullable=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("area_m2", Float, nullable=True),
    Column("capacity", Integer, nullable=False),
    Column("equipment", JSON, nullable=False, default=list),
    Column("staff_on_duty", JSON, nullable=False, default=list),
    Column("purpose", Text, nullable=False, default=""),
    Column("booking_policy", String(30), nullable=False),
    Column("buffer_minutes", Integer, nullable=False, default=0),
    Column("no_booking_needed", Boolean, nullable=False, default=False),
    Column("booking_limits", JSON, nullable=True),  # contracts.venues.BookingLimits; None: the defaults
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("venue_id", "name", name="uq_rooms_venue_name"),
    UniqueConstraint("venue_id", "code", name="uq_rooms_venue_code"),
)

opening_exceptions = Table(
    "opening_exceptions",
    metadata,
    Column("venue_id", String(36), ForeignKey("venues.id"), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("intervals", JSON, nullable=False, default=list),  # ["09:00-12:00"]; [] = closed all day
    Column("note", String(300), nullable=False, default=""),
    Column("updated_by", String(100), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# A year's statutory holidays entered from the State Council's notice, used while chinese_calendar
# does not know the year (issue 17.2). {"2027-01-01": "元旦", ...}
statutory_years = Table(
    "statutory_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("notice", String(300), nullable=False),
    Column("holidays", JSON, nullable=False),
    Column("workdays", JSON, nullable=False),
    Column("entered_by", String(100), nullable=False),
    Column("entered_at", UtcDateTime(), nullable=False),
)

closures = Table(
    "closures",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("venue_id", String(36), ForeignKey("venues.id"), nullable=False, index=True),
    Column("room_id", String(36), ForeignKey("rooms.id"), nullable=True, index=True),  # None: the whole venue
    Column("start", UtcDateTime(), nullable=False),
    Column("expected_reopening", UtcDateTime(), nullable=False),
    Column("reopened_at", UtcDateTime(), nullable=True),
    Column("reason", Text, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

bookings = Table(
    "bookings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("venue_id", String(36), ForeignKey("venues.id"), nullable=False, index=True),
    Column("room_id", String(36), ForeignKey("rooms.id"), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    # The span the room is kept from others: the booking plus the room's cleanup buffer.
    Column("occupied_start", UtcDateTime(), nullable=False),
    Column("occupied_end", UtcDateTime(), nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("purpose", Text, nullable=False, default=""),
    Column("booker_kind", String(20), nullable=False),
    Column("booker_id", String(100), nullable=True),  # the person or organisation the room is for
    Column("booker_name", String(100), nullable=True),
    Column("booked_by", String(100), nullable=False),  # the token subject that entered it
    Column("channel", String(20), nullable=False),
    Column("contact", JSON, nullable=True),
    Column("status", String(20), nullable=False),
    Column("reason", Text, nullable=True),
    Column("event_id", String(100), nullable=True, index=True),  # a cultural event's room hold
    Column("series_id", String(36), nullable=True, index=True),  # a weekly recurring booking
    Column("closure_id", String(36), ForeignKey("closures.id"), nullable=True),  # cancelled by this closure
    Column("decided_by", String(100), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # Issue 17.3: the registered organisation booking, and an individual's sign-off for an organisations-only room.
    Column("organisation_id", String(100), nullable=True),
    Column("needs_sign_off", Boolean, nullable=False, server_default=false()),
    Column("signed_off_by", String(100), nullable=True),
    Column("signed_off_at", UtcDateTime(), nullable=True),
    Index("ix_bookings_room_status_span", "room_id", "status", "occupied_start"),
)

# The no-show ledger's overrides (issue 17.6): people exempt from pauses (e.g. the elderly), and the
# moments a manager lifted a pause (no-shows before it no longer count).
no_show_exemptions = Table(
    "no_show_exemptions",
    metadata,
    Column("person_id", String(100), primary_key=True),
    Column("reason", String(200), nullable=False),
    Column("granted_by", String(100), nullable=False),
    Column("granted_at", UtcDateTime(), nullable=False),
)

booking_pause_lifts = Table(
    "booking_pause_lifts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(100), nullable=False, index=True),
    Column("reason", String(200), nullable=False),
    Column("lifted_by", String(100), nullable=False),
    Column("lifted_at", UtcDateTime(), nullable=False),
)

visits = Table(
    "visits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("venue_id", String(36), ForeignKey("venues.id"), nullable=False),
    Column("room_id", String(36), ForeignKey("rooms.id"), nullable=True),
    Column("day", Date, nullable=False),
    Column("elderly", Integer, nullable=False, default=0),
    Column("minors", Integer, nullable=False, default=0),
    Column("disabled", Integer, nullable=False, default=0),
    Column("migrant_workers", Integer, nullable=False, default=0),
    Column("general", Integer, nullable=False, default=0),
    Column("recorded_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_visits_venue_day", "venue_id", "day"),
)

VISITOR_GROUP_COLUMNS = ("elderly", "minors", "disabled", "migrant_workers", "general")

assets = Table(
    "assets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("venue_id", String(36), ForeignKey("venues.id"), nullable=False, index=True),
    Column("number", String(30), nullable=False),
    Column("name", String(200), nullable=False),
    Column("category", String(60), nullable=False),
    Column("room_id", String(36), ForeignKey("rooms.id"), nullable=True),
    Column("condition", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("venue_id", "number", name="uq_assets_venue_number"),
)


# The lending register (seed 004): items of the asset ledger lent with a due date. `overdue_reported_at`
# is set in the transaction that emits `loan.overdue`, so each loan is reported (and reminded) once.
loans = Table(
    "loans",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("venue_id", String(36), ForeignKey("venues.id"), nullable=False, index=True),
    Column("asset_id", String(36), ForeignKey("assets.id"), nullable=False, index=True),
    Column("borrower_id", String(100), nullable=True),
    Column("borrower_name", String(100), nullable=False),
    Column("contact", JSON, nullable=True),
    Column("lent_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("renewals", Integer, nullable=False, default=0),
    Column("status", String(20), nullable=False),  # lent | returned
    Column("returned_at", UtcDateTime(), nullable=True),
    Column("overdue_reported_at", UtcDateTime(), nullable=True),
    Column("lent_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)
# At most one open loan per item, whatever the application does (partial unique index).
Index(
    "uq_loans_open_asset",
    loans.c.asset_id,
    unique=True,
    sqlite_where=loans.c.status == "lent",
    postgresql_where=loans.c.status == "lent",
)
