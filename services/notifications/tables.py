"""The notifications database (owned by this service only)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kit.tables import UtcDateTime, add_kit_tables

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

# The in-app inbox: one row per recipient per fact. A recipient is a person id, "role:<role>"
# (everyone with that role) or "scope:<kind>:<id>" (e.g. the managers of one venue).
inbox_messages = Table(
    "inbox_messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("recipient", String(150), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("uq_inbox_message_per_fact", "recipient", "event_id", unique=True),
)

# Who read which message: per reader, because a role or scope message is shared by several people.
inbox_reads = Table(
    "inbox_reads",
    metadata,
    Column("message_id", String(36), ForeignKey("inbox_messages.id", ondelete="CASCADE"), primary_key=True),
    Column("reader", String(150), primary_key=True),
    Column("read_at", UtcDateTime(), nullable=False),
)

# The people directory: how each person wants to be told (consent is per channel).
people = Table(
    "people",
    metadata,
    Column("person_id", String(150), primary_key=True),
    Column("name", String(100)),
    Column("phone", String(40)),
    Column("email", String(200)),
    Column("channels", JSON, nullable=False),  # consented channels, e.g. ["email", "inbox", "sms"]
    Column("language", String(10), nullable=False, default="zh-CN"),
    Column("quiet_start", String(5), nullable=False, default="22:00"),  # local district time
    Column("quiet_end", String(5), nullable=False, default="08:00"),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("updated_by", String(150)),
)

# Contact details given with one booking or registration (e.g. a phone booking for an elderly
# person): used, as consent, for the messages about that one thing only.
contact_points = Table(
    "contact_points",
    metadata,
    Column("kind", String(20), primary_key=True),  # booking | registration
    Column("subject_id", String(64), primary_key=True),
    Column("person_id", String(150)),
    Column("name", String(100)),
    Column("phone", String(40)),
    Column("email", String(200)),
    Column("language", String(10)),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Who holds a registration for which event: event.* changes go to them (registrants).
registrants = Table(
    "registrants",
    metadata,
    Column("registration_id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("person_id", String(150), nullable=False),
    Column("status", String(20), nullable=False),  # confirmed | waitlisted | cancelled
    Column("updated_at", UtcDateTime(), nullable=False),
)

# One e-mail or SMS for one person about one fact. The dedupe key (fact, person, channel) is unique:
# a fact delivered twice cannot make a second row. Written `pending` in the handler's transaction;
# the sender claims a row (`sending`), hands it over, and marks it `sent`.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("dedupe_key", String(400), nullable=False, unique=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("event_type", String(100), nullable=False),
    Column("recipient", String(150), nullable=False, index=True),
    Column("channel", String(10), nullable=False),  # email | sms
    Column("address", String(200), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),  # the e-mail body, or the SMS text
    Column("status", String(12), nullable=False),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", UtcDateTime(), nullable=False),
    Column("claimed_at", UtcDateTime()),
    Column("sent_at", UtcDateTime()),
    Column("provider_id", String(200)),
    Column("last_error", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_deliveries_due", "status", "not_before"),
)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner", String(150), nullable=False, index=True),  # the subscriber's token subject
    Column("url", String(2000), nullable=False),
    Column("description", String(500), nullable=False, default=""),
    Column("event_types", JSON, nullable=False),
    Column("secret", String(300), nullable=False),  # encrypted (webhook_secrets.py)
    Column("status", String(10), nullable=False),  # active | disabled
    Column("disabled_reason", String(300)),
    Column("first_failure_at", UtcDateTime()),  # start of the current unbroken run of failures
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# One fact for one endpoint; its id is stable, the `webhook-id` header is the CloudEvent id.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subscription_id", String(36), ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("payload", Text, nullable=False),  # the CloudEvent JSON, sent as the body of every attempt
    Column("state", String(10), nullable=False),  # pending | succeeded | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("round_attempts", Integer, nullable=False, default=0),
    Column("replays", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime()),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("last_attempt_at", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_per_fact"),
    Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("delivery_id", String(36), ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Integer),
)
