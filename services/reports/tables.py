"""The reports database (owned by this service only).

`fact_log` is append-only: every fact consumed, as received (CloudEvent attributes and data). The
`rm_*` tables are read models derived from it by `projection.py`; `wenyun reports rebuild` empties
them and replays the log. `report_settings` is not derived from facts (an administrator sets it).
Times are UTC.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Float, Integer, MetaData, String, Table, Text, false

from kit.tables import UtcDateTime, add_kit_tables

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

fact_log = Table(
    "fact_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # replay order
    Column("event_id", String(64), nullable=False, unique=True),
    Column("event_type", String(100), nullable=False, index=True),
    Column("source", String(100), nullable=False),
    Column("subject", String(100), nullable=True),
    Column("occurred_at", UtcDateTime(), nullable=False),  # the CloudEvent `time`
    Column("data", Text, nullable=False),  # the fact's data as JSON
    Column("received_at", UtcDateTime(), nullable=False),
)

rm_venues = Table(
    "rm_venues",
    metadata,
    Column("venue_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("level", String(20), nullable=False),
    Column("town", String(100)),
    Column("village", String(100)),
    Column("lat", Float),
    Column("lon", Float),
)

rm_events = Table(
    "rm_events",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("festival", String(20)),
    Column("target_groups", JSON, nullable=False),
    Column("organiser_id", String(100), nullable=False),
    Column("organiser_name", String(200)),
    Column("venue_id", String(36)),
    Column("town", String(100)),
    Column("village", String(100)),
    Column("start", UtcDateTime(), nullable=False),
    Column("end", UtcDateTime(), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attended", Integer, nullable=False, default=0),
)

rm_registrations = Table(
    "rm_registrations",
    metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False, index=True),
    Column("party_size", Integer, nullable=False),
    Column("status", String(20), nullable=False),  # confirmed | waitlisted | cancelled
    Column("person_id", String(100), nullable=True),  # a pseudonym (domain/privacy.py): distinct people
    Column("checked_in", Boolean, nullable=False, default=False, server_default=false()),
)

rm_feedback = Table(
    "rm_feedback",
    metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False, index=True),
    Column("rating", Integer, nullable=False),
)

rm_orders = Table(
    "rm_orders",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("offering_id", String(36), nullable=False),
    Column("offering_title", String(200), nullable=False),
    Column("venue_id", String(36), nullable=False),
    Column("placed_at", UtcDateTime(), nullable=False),
    Column("status", String(20), nullable=False),  # placed | scheduled | declined
    Column("reason", Text),
    Column("event_id", String(36)),
    Column("performance_start", UtcDateTime()),
)

rm_bookings = Table(
    "rm_bookings",
    metadata,
    Column("booking_id", String(36), primary_key=True),
    Column("venue_id", String(36), nullable=False, index=True),
    Column("room_id", String(36), nullable=False),
    Column("room_name", String(100), nullable=False),
    Column("start", UtcDateTime(), nullable=False),
    Column("end", UtcDateTime(), nullable=False),
    Column("status", String(20), nullable=False),
)

rm_closures = Table(
    "rm_closures",
    metadata,
    Column("closure_id", String(36), primary_key=True),
    Column("venue_id", String(36), nullable=False, index=True),
    Column("room_id", String(36)),
    Column("start", UtcDateTime(), nullable=False),
    Column("end", UtcDateTime(), nullable=False),  # reopened, or expected reopening while closed
    Column("reason", Text, nullable=False),
)

rm_hours = Table(
    "rm_hours",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("volunteer_id", String(36), primary_key=True),
    Column("hours", Float, nullable=False),
)

# The weekly hours each venue published, from the date they apply (a second set on one date replaces
# the first), and its dated exceptions (venue.hours_set, venue.hours_exception_set/removed).
rm_opening_hours = Table(
    "rm_opening_hours",
    metadata,
    Column("venue_id", String(36), primary_key=True),
    Column("effective_from", Date, primary_key=True),
    Column("weekly", JSON, nullable=False),
    Column("holiday_rule", String(20), nullable=False),
    Column("standard", JSON, nullable=False),
)

rm_opening_exceptions = Table(
    "rm_opening_exceptions",
    metadata,
    Column("venue_id", String(36), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("intervals", JSON, nullable=False),
)

# Volunteers (seed 001): teams as they stand, training and hours logged outside events (placed where the
# volunteer is based), and each change of a volunteer's star level (the level at a period's end is the last).
rm_teams = Table(
    "rm_teams",
    metadata,
    Column("team_id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("town", String(100)),
    Column("village", String(100)),
    Column("active", Boolean, nullable=False),
    Column("member_count", Integer, nullable=False),
)

rm_training = Table(
    "rm_training",
    metadata,
    Column("fact_id", String(64), primary_key=True),  # the CloudEvent id (a record carries no id of its own)
    Column("volunteer_id", String(100), nullable=False, index=True),
    Column("hours", Float, nullable=False),
    Column("day", Date, nullable=False),
    Column("town", String(100)),
    Column("village", String(100)),
)

rm_logged_hours = Table(
    "rm_logged_hours",
    metadata,
    Column("fact_id", String(64), primary_key=True),
    Column("volunteer_id", String(100), nullable=False, index=True),
    Column("hours", Float, nullable=False),
    Column("day", Date, nullable=False),
    Column("town", String(100)),
    Column("village", String(100)),
)

rm_star_changes = Table(
    "rm_star_changes",
    metadata,
    Column("fact_id", String(64), primary_key=True),
    Column("volunteer_id", String(100), nullable=False, index=True),
    Column("stars", Integer, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("town", String(100)),
    Column("village", String(100)),
)

# The visit registers (五簿一册) of the venues: one line per day (and room) with visitors per group.
rm_visits = Table(
    "rm_visits",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("venue_id", String(36), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("total", Integer, nullable=False),
    Column("counts", JSON, nullable=False),
)

READ_MODELS = (
    rm_venues,
    rm_events,
    rm_registrations,
    rm_feedback,
    rm_orders,
    rm_bookings,
    rm_closures,
    rm_hours,
    rm_opening_hours,
    rm_opening_exceptions,
    rm_teams,
    rm_training,
    rm_logged_hours,
    rm_star_changes,
    rm_visits,
)

report_settings = Table(
    "report_settings",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", JSON, nullable=False),
)

# Inspections (seed 004: two a year) and self-inspections (seed 001: 自查整改报告) of a centre: the
# checklist evaluated from the read models when the inspection is opened, the inspector's findings,
# and rectification items with an owner and a due date, tracked until closed. Not derived from facts.
inspections = Table(
    "inspections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("venue_id", String(36), nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # inspection | self_inspection
    Column("period", String(10), nullable=False),
    Column("inspector", String(100), nullable=False),
    Column("checklist", JSON, nullable=False),
    Column("findings", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime(), nullable=False),
)

rectifications = Table(
    "rectifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("inspection_id", String(36), nullable=False, index=True),
    Column("venue_id", String(36), nullable=False, index=True),
    Column("description", Text, nullable=False),
    Column("owner", String(100), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(20), nullable=False),  # open | closed
    Column("closing_note", Text),
    Column("closed_at", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Who registered (the real account id), kept beside the log (which holds pseudonyms only) for one use: the
# satisfaction survey invites people on their consented channels. Written as registration facts arrive, not
# derived from the log (a rebuild leaves it), forgotten when the account is closed.
survey_contacts = Table(
    "survey_contacts",
    metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("person_id", String(100), nullable=False, index=True),
)

# Satisfaction surveys (seed 002): a random sample of recent attendees, one invitation each, answered once.
surveys = Table(
    "surveys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("days", Integer, nullable=False),
    Column("sample_size", Integer, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

survey_invitations = Table(
    "survey_invitations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("survey_id", String(36), nullable=False, index=True),
    Column("person_id", String(100), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("rating", Integer, nullable=True),
    Column("answered_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)
