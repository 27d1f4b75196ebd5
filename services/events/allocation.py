"""Places under the event lock: load the snapshot, write the domain's answer back, promote.

Every function here runs inside the caller's `self.db.transaction()`. `lock_event` is the first
statement that touches the event: on PostgreSQL it is `SELECT … FOR UPDATE` on the row that holds the
counters, so concurrent registrations for one event queue there; on SQLite the transaction is
already `BEGIN IMMEDIATE` (one writer at a time). Counters and registration rows are then written
in the same transaction, and the CHECK constraints on the row refuse an oversell even if a bug
slipped through.
"""

from __future__ import annotations

from sqlalchemy import case, func, select, update

from contracts.events import RegistrationPromoted
from kit.boundary import row_or_404
from kit.clock import utcnow
from services.events.domain import registrations as rules
from services.events.rows import registration_fact, snapshot_columns, snapshot_of
from services.events.tables import events, registrations

ACTIVE = ("waitlisted", "confirmed", "checked_in")


def lock_event(session, event_id: str):
    row = session.execute(select(events).where(events.c.id == event_id).with_for_update()).first()
    return row_or_404(row, f"Event {event_id} does not exist.", {"event_id": event_id})


def lock_event_for_arrival(session, event_id: str):
    """Lock the event row and take the next arrival number in ONE statement (`UPDATE … RETURNING`): the
    row comes back as it is after the increment, so `next_seq - 1` is this arrival's number. A refusal
    later in the transaction rolls the increment back with everything else."""
    row = session.execute(
        update(events).where(events.c.id == event_id).values(next_seq=events.c.next_seq + 1).returning(*events.c)
    ).first()
    return row_or_404(row, f"Event {event_id} does not exist.", {"event_id": event_id})


def waitlist_rows(session, event_id: str):
    return session.execute(
        select(registrations.c.id, registrations.c.party_size, registrations.c.seq, registrations.c.channel)
        .where(registrations.c.event_id == event_id, registrations.c.status == "waitlisted")
        .order_by(registrations.c.seq)
    ).all()


def waitlist_summary(session, event_id: str) -> rules.WaitlistSummary:
    """How many parties wait, and how many came offline: all a newcomer's decision needs (one aggregate
    query over the (event_id, status, seq) index instead of loading the waitlist under the lock)."""
    parties, offline = session.execute(
        select(func.count(), func.coalesce(func.sum(case((registrations.c.channel != "online", 1), else_=0)), 0)).where(
            registrations.c.event_id == event_id, registrations.c.status == "waitlisted"
        )
    ).one()
    return rules.WaitlistSummary(int(parties), int(offline))


def snapshot(session, event_row) -> rules.EventPlaces:
    return snapshot_of(event_row, waitlist_rows(session, event_row.id))


def save_snapshot(session, event_row, places: rules.EventPlaces, **more) -> None:
    session.execute(
        update(events)
        .where(events.c.id == event_row.id)
        .values(**snapshot_columns(places), updated_at=utcnow(), **more)
    )


def apply_promotions(tx, event_row, promotions: list[rules.Promotion]) -> list[str]:
    """Confirm the promoted registrations with their pool split and tell them (registration.promoted)."""
    if not promotions:
        return []
    now = utcnow()
    for promotion in promotions:
        tx.session.execute(
            update(registrations)
            .where(registrations.c.id == promotion.registration_id, registrations.c.status == "waitlisted")
            .values(
                status="confirmed",
                general_places=promotion.general_places,
                kept_back_places=promotion.kept_back_places,
                updated_at=now,
            )
        )
    ids = [p.registration_id for p in promotions]
    promoted = {r.id: r for r in tx.session.execute(select(registrations).where(registrations.c.id.in_(ids))).all()}
    for registration_id in ids:
        tx.emit(registration_fact(RegistrationPromoted, promoted[registration_id], event_row), subject=registration_id)
    return ids


def settle_and_save(tx, event_row, settlement: rules.Settlement, **more) -> list[str]:
    places, promotions = settlement
    save_snapshot(tx.session, event_row, places, **more)
    return apply_promotions(tx, event_row, promotions)


def waitlist_position(session, event_id: str, seq: int) -> int:
    return session.execute(
        select(func.count())
        .select_from(registrations)
        .where(registrations.c.event_id == event_id, registrations.c.status == "waitlisted", registrations.c.seq <= seq)
    ).scalar_one()
