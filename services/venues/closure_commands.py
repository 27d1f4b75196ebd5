"""Closing a venue or a room (seed 004): the closure, the bookings it cancels and the facts, in one
transaction; reopening early, or moving the expected reopening later."""

from __future__ import annotations

import datetime as dt
import uuid

from contracts.errors import Conflict, Unprocessable
from contracts.venues import VenueClosed, VenueReopened
from kit.clock import shown, to_local, utcnow
from services.venues import queries
from services.venues.booking_commands import change_status, sentence
from services.venues.domain.booking_rules import BookingAction, BookingRecord, BookingStatus
from services.venues.domain.closures import ClosureError, bookings_affected, closure_notice_zh, validate_closure
from services.venues.domain.opening_hours import Closure
from services.venues.tables import closures


def closure_error(error: ClosureError) -> Unprocessable:
    return Unprocessable(sentence(str(error)), {"reason_code": error.code, "detail_zh": error.message_zh})


def place_name(venue, room) -> str:
    """'嘉平镇文化服务中心多功能活动室' (room: a row or a name), or the venue's name alone."""
    room_name = room if isinstance(room, str) or room is None else room.name
    return f"{venue.name}{room_name}" if room_name else venue.name


def _affected(tx, room_rows: dict, closure: Closure, start: dt.datetime, end: dt.datetime) -> list:
    """The active bookings of `room_rows` the closure falls on, earliest first."""
    rows = queries.active_bookings_overlapping(tx.session, list(room_rows), start, end, by_occupied_span=False)
    by_id = {row.id: row for row in rows}
    records = [
        BookingRecord(row.id, to_local(row.starts_at), to_local(row.ends_at), BookingStatus(row.status)) for row in rows
    ]
    return [by_id[booking_id] for booking_id in bookings_affected(closure, records)]


def _cancel(tx, venue, room_rows: dict, affected: list, closure_id: str, notice: str, actor_sub: str) -> list[str]:
    for row in affected:
        change_status(
            tx,
            row,
            room_rows[row.room_id],
            venue,
            BookingAction.CANCEL,
            actor_sub,
            reason=notice,
            closure_id=closure_id,
        )
    return [row.id for row in affected]


def create(
    tx, actor_sub: str, venue, room, start: dt.datetime | None, expected: dt.datetime | None, reason: str
) -> dict:
    moment = utcnow()
    start = start or moment
    try:
        closure = validate_closure(to_local(start), to_local(expected) if expected else None, reason, to_local(moment))
    except ClosureError as error:
        raise closure_error(error) from error
    locked = _lock_rooms(tx, venue, room)
    closure_id = str(uuid.uuid4())
    values = dict(
        id=closure_id,
        venue_id=venue.id,
        room_id=room.id if room else None,
        start=start,
        expected_reopening=expected,
        reopened_at=None,
        reason=closure.reason,
        created_by=actor_sub,
        created_at=moment,
        updated_at=moment,
    )
    tx.session.execute(closures.insert().values(**values))
    affected = _affected(tx, locked, closure, start, expected)
    # venue.closed first (naming the bookings it cancels), then each booking.cancelled.
    tx.emit(
        VenueClosed(
            closure_id=closure_id,
            venue_id=venue.id,
            venue_name=venue.name,
            room_id=room.id if room else None,
            room_name=room.name if room else None,
            start=shown(start),
            expected_reopening=shown(expected),
            reason=closure.reason,
            cancelled_booking_ids=[row.id for row in affected],
        ),
        subject=closure_id,
    )
    notice = closure_notice_zh(place_name(venue, room), closure)
    cancelled = _cancel(tx, venue, locked, affected, closure_id, notice, actor_sub)
    return {**values, "cancelled_booking_ids": cancelled}


def reopen(tx, actor_sub: str, row, venue, room, at: dt.datetime | None) -> dict:
    if row.reopened_at is not None:
        raise Conflict(
            f"Closure {row.id} already ended at {shown(row.reopened_at):%Y-%m-%d %H:%M}.",
            {"closure_id": row.id, "reopened_at": shown(row.reopened_at).isoformat()},
        )
    moment = utcnow()
    at = at or moment
    if at > moment:
        raise Unprocessable(
            "A reopening is recorded when it happens; to announce a later reopening, change the "
            "expected reopening instead.",
            {"closure_id": row.id, "reason_code": "reopening_in_future"},
        )
    changes = {"reopened_at": at, "updated_at": moment}
    tx.session.execute(closures.update().where(closures.c.id == row.id).values(**changes))
    _emit_reopened(tx, row, venue, room, reopened_at=at, expected=row.expected_reopening)
    return {**dict(row._mapping), **changes}


def extend(tx, actor_sub: str, row, venue, room, expected: dt.datetime, reason: str | None) -> dict:
    """Move the expected reopening (usually later); bookings in the newly closed time are cancelled."""
    if row.reopened_at is not None:
        raise Conflict(f"Closure {row.id} already ended; announce a new closure instead.", {"closure_id": row.id})
    moment = utcnow()
    try:
        closure = validate_closure(to_local(row.start), to_local(expected), reason or row.reason, to_local(moment))
    except ClosureError as error:
        raise closure_error(error) from error
    locked = _lock_rooms(tx, venue, room)
    changes = {"expected_reopening": expected, "reason": closure.reason, "updated_at": moment}
    tx.session.execute(closures.update().where(closures.c.id == row.id).values(**changes))
    _emit_reopened(tx, row, venue, room, reopened_at=None, expected=expected)
    cancelled = []
    if expected > row.expected_reopening:
        notice = closure_notice_zh(place_name(venue, room), closure)
        affected = _affected(tx, locked, closure, row.expected_reopening, expected)
        cancelled = _cancel(tx, venue, locked, affected, row.id, notice, actor_sub)
    return {**dict(row._mapping), **changes, "newly_cancelled_booking_ids": cancelled}


def status_of(values: dict, moment: dt.datetime) -> str:
    if queries.withdrawn(values) or queries.effective_end(values) <= moment:
        return "ended"
    return "active" if values["start"] <= moment else "scheduled"


def view(row, venue, room_name: str | None, cancelled: list[str]) -> dict:
    values = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    notice = Closure(
        start=to_local(values["start"]),
        expected_reopening=to_local(values["expected_reopening"]),
        reason=values["reason"],
    )
    return {
        "id": values["id"],
        "venue_id": venue.id,
        "venue_name": venue.name,
        "room_id": values["room_id"],
        "room_name": room_name,
        "start": shown(values["start"]),
        "expected_reopening": shown(values["expected_reopening"]),
        "reopened_at": shown(values["reopened_at"]),
        "reason": values["reason"],
        "status": status_of(values, utcnow()),
        "notice_zh": closure_notice_zh(place_name(venue, room_name), notice),
        "cancelled_booking_ids": cancelled,
        "created_at": shown(values["created_at"]),
    }


def _emit_reopened(tx, row, venue, room, *, reopened_at: dt.datetime | None, expected: dt.datetime | None) -> None:
    """venue.reopened: reopened now (`reopened_at`), or only the expected reopening moved (None)."""
    tx.emit(
        VenueReopened(
            closure_id=row.id,
            venue_id=venue.id,
            venue_name=venue.name,
            room_id=row.room_id,
            room_name=room.name if room else None,
            reopened_at=shown(reopened_at),
            expected_reopening=shown(expected),
        ),
        subject=row.id,
    )


def _lock_rooms(tx, venue, room) -> dict:
    """The rooms a closure concerns (one, or all of the venue), locked: a booking placed meanwhile
    would slip past the cancellation."""
    if room is not None:
        return {room.id: queries.room_row(tx.session, room.id, for_update=True)}
    return {r.id: r for r in queries.room_rows(tx.session, venue.id, for_update=True)}
