"""A room hold that venues rejected or cancelled outside a closure (issue 17.7): the published event
loses its room, is kept and marked for rescheduling, and event.displaced tells the organiser and the
registrants (notifications decides who hears it). Closures have their own path (venue.closed)."""

from __future__ import annotations

from sqlalchemy import select, update

from contracts.events import EventDisplaced
from contracts.venues import BookingFact
from kit.clock import utcnow
from services.events.event_commands import reload
from services.events.rows import event_fact
from services.events.tables import events

LOST_BY = {"booking.rejected": "场地方驳回了活动的场地预订", "booking.cancelled": "场地方取消了活动的场地预订"}


def on_hold_lost(tx, fact: BookingFact, event_type: str) -> list[str]:
    if not fact.event_id or fact.closure_id:
        return []
    rows = tx.session.execute(
        select(events)
        .where(
            events.c.id == fact.event_id, events.c.status == "published", events.c.hold_booking_id == fact.booking_id
        )
        .with_for_update()
    ).all()
    place = f"{fact.venue_name}·{fact.room_name}"
    reason = f"{LOST_BY[event_type]}（{place}）" + (f"：{fact.reason}" if fact.reason else "")
    for row in rows:
        tx.session.execute(
            update(events)
            .where(events.c.id == row.id)
            .values(needs_reschedule=True, hold_booking_id=None, updated_at=utcnow())
        )
        tx.emit(event_fact(EventDisplaced, reload(tx.session, row.id), reason=reason), subject=row.id)
    return [row.id for row in rows]
