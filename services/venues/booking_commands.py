"""Bookings inside one transaction: who books for whom, the checks (domain rules), the rows and the facts.

No double booking: the room row is locked first (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serialises writers), so the conflict check sees every committed booking; on
PostgreSQL the exclusion constraint `bookings_no_overlap` backs it, and its violation is turned into
the same 409 naming the booking in the way.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from contracts.common import Actor, ContactPoint
from contracts.errors import Conflict, Forbidden, Unprocessable
from contracts.venues import (
    BookingCancelled,
    BookingConfirmed,
    BookingCreate,
    BookingRejected,
    BookingRequested,
    BookingRescheduled,
)
from kit.clock import from_local, shown, to_local, utcnow
from kit.rules import InvalidTransition
from services.venues import queries, schedule
from services.venues.access import BOOKING_ROLES, STAFF_CHANNELS, manages, require_manager
from services.venues.domain.booking_rules import (
    BookingAction,
    BookingDecision,
    BookingRefusal,
    BookingRequest,
    RoomBookingProfile,
    allowed_actions,
    check_booking,
    transition,
)
from services.venues.domain.opening_hours import ResolvedDay
from services.venues.tables import bookings

ACTION_FACTS = {BookingAction.CONFIRM: BookingConfirmed, BookingAction.REJECT: BookingRejected,
                BookingAction.CANCEL: BookingCancelled}


@dataclass
class Placement:
    """A booking about to be placed: the request plus who it is for and who entered it."""

    room_id: str
    start: dt.datetime  # aware
    end: dt.datetime
    attendees: int
    booker_kind: str
    booked_by: str
    channel: str = "online"
    purpose: str = ""
    booker_id: str | None = None
    booker_name: str | None = None
    contact: dict | None = None
    event_id: str | None = None
    series_id: str | None = None


def sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def lock_room(session, room_id: str):
    """The room (locked for this transaction) and its venue."""
    room = queries.room_or_404(session, room_id, for_update=True)
    return room, queries.venue_row(session, room.venue_id)


def placement_for(actor: Actor, data: BookingCreate, venue) -> Placement:
    """Residents and organisers book online for themselves; a venue's staff also record phone, desk
    and on-behalf bookings (代预约), naming the person they are for. booked_by is always the caller."""
    if actor.role not in BOOKING_ROLES:
        raise Forbidden(f"The role {actor.role} may not book rooms.", {"needed_role": list(BOOKING_ROLES)})
    staff = manages(actor, venue.id)
    if actor.role == "venue_manager" and not staff:
        require_manager(actor, venue.id, venue.name)
    booker_name = (data.booker_name or "").strip() or None
    if data.channel in STAFF_CHANNELS:
        if not staff:
            raise Forbidden("Only the venue's staff record phone, desk and on-behalf bookings; book online "
                            "for yourself instead.", {"channel": data.channel})
        if not booker_name:
            raise Unprocessable("A phone, desk or on-behalf booking must name the person or organisation it is "
                                "for (booker_name).", {"field": "booker_name",
                                                       "detail_zh": "电话、现场或代预约须填写预约人（单位）名称"})
    if staff:
        booker_id = data.booker_id or (actor.sub if data.channel == "online" and not booker_name else None)
        booker_name = booker_name or (actor.name if booker_id == actor.sub else None)
    else:
        if data.booker_id and data.booker_id != actor.sub:
            raise Forbidden("You can book only for yourself; the venue's desk books on someone else's behalf.",
                            {"booker_id": data.booker_id})
        booker_id, booker_name = actor.sub, booker_name or actor.name
    return Placement(room_id=data.room_id, start=data.start, end=data.end, attendees=data.attendees,
                     booker_kind=data.booker_kind, booked_by=actor.sub, channel=data.channel,
                     purpose=data.purpose, booker_id=booker_id, booker_name=booker_name,
                     contact=data.contact.model_dump(mode="json") if data.contact else None)


def _gap_note(day: ResolvedDay, start: dt.time, end: dt.time) -> str:
    """'closed 12:00-14:00' when the asked time falls into a break between opening periods."""
    edges = [dt.time(0, 0)]
    for interval in day.intervals:
        edges += [interval.start, interval.end]
    edges.append(dt.time(23, 59))
    for gap_start, gap_end in zip(edges[::2], edges[1::2]):
        if gap_start < gap_end and start < gap_end and gap_start < end:
            if gap_start == dt.time(0, 0):
                return f"not open yet before {gap_end:%H:%M}"
            if gap_end == dt.time(23, 59):
                return f"closed from {gap_start:%H:%M}"
            return f"closed {gap_start:%H:%M}-{gap_end:%H:%M}"
    return "the booking spans a break between opening periods"


def refusal_error(refusal: BookingRefusal, room, day: ResolvedDay | None = None, when=None):
    extra = {"reason_code": refusal.code, "detail_zh": refusal.message_zh, "room_id": room.id,
             "room_name": room.name}
    if refusal.code == "conflict":
        extra["conflicting_booking_ids"] = list(refusal.conflicting_booking_ids)
        return Conflict(sentence(refusal.message), extra)
    detail = refusal.message
    if refusal.code == "outside_opening_hours":
        if day is not None and day.intervals and when is not None:
            detail = f"{room.name} is {_gap_note(day, when[0].time(), when[1].time())} on {day.date}: {detail}"
        else:
            detail = f"{room.name} is closed then: {detail}"
        if day is not None and day.kind == "closure" and day.note and day.note not in detail:
            detail = f"{detail} ({day.note})"
            extra["closure_reason"] = day.note
    if refusal.code == "policy_refused":
        extra["booking_policy"] = room.booking_policy
    return Unprocessable(sentence(detail), extra)


def decide(session, room, venue, start: dt.datetime, end: dt.datetime, attendees: int, booker_kind: str,
           channel: str = "online", booker_name: str | None = None, exclude: tuple[str, ...] = ()):
    """The domain's decision for this room and time, with the resolved day it was taken on."""
    start_local, end_local = to_local(start), to_local(end)
    day = schedule.resolve(session, venue, start_local.date(), start_local.date(), room_id=room.id)[0]
    buffer = dt.timedelta(minutes=room.buffer_minutes)
    existing = [(row.id, to_local(row.starts_at), to_local(row.ends_at))
                for row in queries.active_bookings_overlapping(session, [room.id], start, end + buffer, exclude=exclude)]
    request = BookingRequest(start=start_local, end=end_local, attendees=attendees, booker_kind=booker_kind,
                             channel=channel, booked_for=booker_name)
    profile = RoomBookingProfile(capacity=room.capacity, policy=room.booking_policy,
                                 buffer_minutes=room.buffer_minutes)
    return check_booking(request, profile, day, existing), day


def _write(session, room, statement, occupied: tuple[dt.datetime, dt.datetime], exclude: tuple[str, ...] = ()):
    """Run an insert/update of a booking; a violated exclusion constraint (a race the lock did not
    cover) becomes a 409 naming the booking in the way."""
    try:
        with session.begin_nested():
            session.execute(statement)
    except IntegrityError as error:
        rows = queries.active_bookings_overlapping(session, [room.id], *occupied, exclude=exclude)
        ids = [row.id for row in rows]
        raise Conflict(sentence(f"the room is already booked at that time: {', '.join(ids) or 'another booking'}"),
                       {"reason_code": "conflict", "conflicting_booking_ids": ids, "room_id": room.id,
                        "room_name": room.name, "detail_zh": "该时段已被预订"}) from error


def fact(cls, booking, room, venue, **extra):
    values = dict(booking)
    contact = values.get("contact")
    return cls(booking_id=values["id"], venue_id=venue.id, venue_name=venue.name, room_id=room.id,
               room_name=room.name, start=shown(values["starts_at"]), end=shown(values["ends_at"]),
               status=values["status"], booker_id=values.get("booker_id"), booker_name=values.get("booker_name"),
               booked_by=values["booked_by"], channel=values["channel"], purpose=values.get("purpose") or "",
               event_id=values.get("event_id"), reason=values.get("reason"),
               contact=ContactPoint.model_validate(contact) if contact else None, **extra)


def insert(tx, placement: Placement, room, venue, decision: BookingDecision) -> dict:
    moment = utcnow()
    values = dict(
        id=str(uuid.uuid4()), venue_id=venue.id, room_id=room.id, starts_at=placement.start, ends_at=placement.end,
        occupied_start=from_local(decision.occupied_start), occupied_end=from_local(decision.occupied_end),
        attendees=placement.attendees, purpose=placement.purpose, booker_kind=placement.booker_kind,
        booker_id=placement.booker_id, booker_name=placement.booker_name, booked_by=placement.booked_by,
        channel=placement.channel, contact=placement.contact, status=decision.status, reason=None,
        event_id=placement.event_id, series_id=placement.series_id, closure_id=None, decided_by=None,
        created_at=moment, updated_at=moment,
    )
    _write(tx.session, room, bookings.insert().values(**values), (values["occupied_start"], values["occupied_end"]))
    cls = BookingConfirmed if decision.status == "confirmed" else BookingRequested
    tx.emit(fact(cls, values, room, venue), subject=values["id"])
    return values


def precheck(session, placement: Placement, room, venue) -> None:
    """The same decision without the room's lock: on PostgreSQL a request that is refused anyway (the
    199 losers of a rush for one slot) is answered at once instead of queueing for the lock. An
    accepted request is decided again under the lock by `place`."""
    decision, day = decide(session, room, venue, placement.start, placement.end, placement.attendees,
                           placement.booker_kind, placement.channel, placement.booker_name)
    if isinstance(decision, BookingRefusal):
        raise refusal_error(decision, room, day, (to_local(placement.start), to_local(placement.end)))


def place(tx, placement: Placement, room, venue) -> dict:
    """Check and store one booking, or raise the 409/422 that says why not."""
    decision, day = decide(tx.session, room, venue, placement.start, placement.end, placement.attendees,
                           placement.booker_kind, placement.channel, placement.booker_name)
    if isinstance(decision, BookingRefusal):
        raise refusal_error(decision, room, day, (to_local(placement.start), to_local(placement.end)))
    return insert(tx, placement, room, venue, decision)


def change_status(tx, booking, room, venue, action: BookingAction, actor_sub: str, reason: str | None = None,
                  closure_id: str | None = None) -> dict:
    """Move a booking through its state machine and publish the fact (if the move has one)."""
    try:
        status = transition(booking.status, action)
    except InvalidTransition as error:
        raise Conflict(sentence(str(error)), {"booking_id": booking.id, "booking_status": booking.status,
                                              "allowed_actions": [str(a) for a in allowed_actions(booking.status)]},
                       detail_zh=error.message_zh) from error
    changes = {"status": str(status), "updated_at": utcnow()}
    if reason is not None:
        changes["reason"] = reason
    if closure_id is not None:
        changes["closure_id"] = closure_id
    if action in (BookingAction.CONFIRM, BookingAction.REJECT):
        changes["decided_by"] = actor_sub
    tx.session.execute(bookings.update().where(bookings.c.id == booking.id).values(**changes))
    values = {**dict(booking._mapping), **changes}
    cls = ACTION_FACTS.get(action)
    if cls is not None:
        tx.emit(fact(cls, values, room, venue), subject=booking.id)
    return values


def move(tx, booking, room, venue, start: dt.datetime, end: dt.datetime) -> dict:
    """Move a booking to another time in the same room (checked like a new one, itself excluded)."""
    decision, day = decide(tx.session, room, venue, start, end, booking.attendees, booking.booker_kind,
                           booking.channel, booking.booker_name, exclude=(booking.id,))
    if isinstance(decision, BookingRefusal):
        raise refusal_error(decision, room, day, (to_local(start), to_local(end)))
    changes = dict(starts_at=start, ends_at=end, occupied_start=from_local(decision.occupied_start),
                   occupied_end=from_local(decision.occupied_end), updated_at=utcnow())
    _write(tx.session, room, bookings.update().where(bookings.c.id == booking.id).values(**changes),
           (changes["occupied_start"], changes["occupied_end"]), exclude=(booking.id,))
    values = {**dict(booking._mapping), **changes}
    tx.emit(fact(BookingRescheduled, values, room, venue, previous_start=shown(booking.starts_at),
                 previous_end=shown(booking.ends_at)), subject=booking.id)
    return values


def may_see(actor: Actor, booking) -> bool:
    return booking.booked_by == actor.sub or booking.booker_id == actor.sub or manages(actor, booking.venue_id)


def require_owner_or_manager(actor: Actor, booking, venue) -> None:
    if not may_see(actor, booking):
        if actor.role == "venue_manager":
            require_manager(actor, venue.id, venue.name)
        raise Forbidden("Only the booker or a manager of the venue may do this.", {"booking_id": booking.id})



def booking_view_of(values, room, venue) -> dict:
    """The JSON view of a booking (a row, or the columns just written)."""
    return queries.booking_view(values, room.name, venue.name).model_dump(mode="json")
