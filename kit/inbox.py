"""The inbox: what a consumer has already applied, so a redelivered message changes nothing.

An event handler's first transaction records the CloudEvent id, an RPC command's the caller's
idempotency key (kit.unit_of_work); a second delivery finds the row and raises `AlreadyProcessed`,
which kit.events acknowledges as success — recognised by its type, everywhere.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kit.clock import utcnow


class AlreadyProcessed(Exception):
    """This consumer already applied this event: nothing to do (not an error)."""


def claim(session: Session, inbox: Table, event_id: str, consumer: str, event_type: str) -> None:
    """Record that `consumer` applies `event_id`; raise AlreadyProcessed if it already did.

    One INSERT … ON CONFLICT DO NOTHING: on PostgreSQL a concurrent delivery of the same event
    waits for the first transaction and then finds the row, so only one of them proceeds."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(
        insert(inbox)
        .values(event_id=event_id, consumer=consumer, event_type=event_type, processed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["event_id", "consumer"])
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]  # (a CursorResult)
        raise AlreadyProcessed(event_id)
