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
    BookingCheckedIn,
    BookingConfirmed,
    BookingCreate,
    BookingNoShow,
    BookingRejected,
    BookingRequested,
    BookingRescheduled,
)
from kit.clock import from_local, local_now, shown, to_local, utcnow
from kit.rules import InvalidTransition
from services.venues import queries, schedule
from services.venues.access import BOOKING_ROLES, STAFF_CHANNELS, manages, require_manager
from services.venues.domain.booking_limits import (
    BookingLimits,
    cancellation_refusal,
    iso_week_bounds,
    limits_refusal,
    past_start_refusal,
)
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

ACTION_FACTS = {
    BookingAction.CONFIRM: BookingConfirmed,
    BookingAction.REJECT: BookingRejected,
    BookingAction.CANCEL: BookingCancelled,
    BookingAction.CHECK_IN: BookingCheckedIn,
    BookingAction.MARK_NO_SHOW: BookingNoShow,
}


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
    held_to_limits: bool = True  # the room's booking limits apply (not to the venue's own staff)
    organisation_id: str | None = None


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
            raise Forbidden(
                "Only the venue's staff record phone, desk and on-behalf bookings; book online for yourself instead.",
                {"channel": data.channel},
            )
        if not booker_name:
            raise Unprocessable(
                "A phone, desk or on-behalf booking must name the person or organisation it is for (booker_name).",
                {"field": "booker_name", "detail_zh": "电话、现场或代预约须填写预约人（单位）名称"},
            )
    organisation_id = (data.organisation_id or "").strip() or None
    if organisation_id and data.booker_kind != "organisation":
        raise Unprocessable('An organisation_id goes with booker_kind "organisation".', {"field": "organisation_id"})
    if data.booker_kind == "organisation" and not staff:
        # issue 17.3: only members of a registered organisation book as one (the sign-in service puts
        # org:<id> in their token); the venue's desk records bookings for any organisation.
        if not organisation_id:
            raise Forbidden(
                "An organisation booking names the registered organisation (organisation_id) you "
                'belong to; to book as a person, use booker_kind "individual".',
                {
                    "field": "organisation_id",
                    "needed_scope": "org:<organisation_id>",
                    "detail_zh": "以单位名义预约须填写已登记单位（organisation_id），且账号须为该单位成员",
                },
            )
        if not actor.has_scope("org", organisation_id):
            raise Forbidden(
                f"Your account is not a member of organisation {organisation_id}; its token needs the "
                f"scope org:{organisation_id}.",
                {
                    "organisation_id": organisation_id,
                    "needed_scope": f"org:{organisation_id}",
                    "detail_zh": "您的账号不是该单位成员，不能以该单位名义预约",
                },
            )
    if staff:
        booker_id = data.booker_id or (actor.sub if data.channel == "online" and not booker_name else None)
        booker_name = booker_name or (actor.name if booker_id == actor.sub else None)
    elif data.booker_id and data.booker_id != actor.sub and actor.has_scope("dependant", data.booker_id):
        # A relative books for a linked dependant (scope from accounts); booked_by keeps who did it.
        booker_id = data.booker_id
    else:
        if data.booker_id and data.booker_id != actor.sub:
            raise Forbidden(
                "You can book only for yourself or a linked dependant; the venue's desk books on "
                "someone else's behalf.",
                {"booker_id": data.booker_id},
            )
        booker_id, booker_name = actor.sub, booker_name or actor.name
    return Placement(
        room_id=data.room_id,
        start=data.start,
        end=data.end,
        attendees=data.attendees,
        booker_kind=data.booker_kind,
        booked_by=actor.sub,
        channel=data.channel,
        purpose=data.purpose,
        booker_id=booker_id,
        booker_name=booker_name,
        contact=data.contact.model_dump(mode="json") if data.contact else None,
        held_to_limits=not staff,
        organisation_id=organisation_id,
    )


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
    extra = {"reason_code": refusal.code, "detail_zh": refusal.message_zh, "room_id": room.id, "room_name": room.name}
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


def room_limits(room) -> BookingLimits:
    return BookingLimits.from_json(room.booking_limits)


def _limits_refusal(
    session,
    room,
    start_local: dt.datetime,
    end_local: dt.datetime,
    held_to_limits: bool,
    person: str | None,
    exclude: tuple[str, ...],
) -> BookingRefusal | None:
    moment = local_now()
    if not held_to_limits:
        return past_start_refusal(start_local, moment)
    week_start, week_end = iso_week_bounds(start_local.date())
    held = (
        queries.person_bookings_between(
            session, room.id, person, from_local(week_start), from_local(week_end), exclude=exclude
        )
        if person
        else None
    )
    return limits_refusal(start_local, end_local, moment, room_limits(room), held)


def decide(
    session,
    room,
    venue,
    start: dt.datetime,
    end: dt.datetime,
    attendees: int,
    booker_kind: str,
    channel: str = "online",
    booker_name: str | None = None,
    exclude: tuple[str, ...] = (),
    *,
    held_to_limits: bool = False,
    person: str | None = None,
):
    """The domain's decision for this room and time, with the resolved day it was taken on.

    Every booking must start in the future; with `held_to_limits` the room's limits (advance window,
    length, `person`'s weekly quota) apply as well."""
    start_local, end_local = to_local(start), to_local(end)
    day = schedule.resolve(session, venue, start_local.date(), start_local.date(), room_id=room.id)[0]
    buffer = dt.timedelta(minutes=room.buffer_minutes)
    existing = [
        (row.id, to_local(row.starts_at), to_local(row.ends_at))
        for row in queries.active_bookings_overlapping(session, [room.id], start, end + buffer, exclude=exclude)
    ]
    request = BookingRequest(
        start=start_local,
        end=end_local,
        attendees=attendees,
        booker_kind=booker_kind,
        channel=channel,
        booked_for=booker_name,
    )
    profile = RoomBookingProfile(capacity=room.capacity, policy=room.booking_policy, buffer_minutes=room.buffer_minutes)
    decision = check_booking(request, profile, day, existing)
    if isinstance(decision, BookingRefusal):
        # "in the past" says more than "closed then" or "taken"; the quota query is spared for the refused
        return (
            decision if decision.code == "invalid_time" else past_start_refusal(start_local, local_now()) or decision
        ), day
    return _limits_refusal(session, room, start_local, end_local, held_to_limits, person, exclude) or decision, day


def _write(session, room, statement, occupied: tuple[dt.datetime, dt.datetime], exclude: tuple[str, ...] = ()):
    """Run an insert/update of a booking; a violated exclusion constraint (a race the lock did not
    cover) becomes a 409 naming the booking in the way."""
    try:
        with session.begin_nested():
            session.execute(statement)
    except IntegrityError as error:
        rows = queries.active_bookings_overlapping(session, [room.id], *occupied, exclude=exclude)
        ids = [row.id for row in rows]
        raise Conflict(
            sentence(f"the room is already booked at that time: {', '.join(ids) or 'another booking'}"),
            {
                "reason_code": "conflict",
                "conflicting_booking_ids": ids,
                "room_id": room.id,
                "room_name": room.name,
                "detail_zh": "该时段已被预订",
            },
        ) from error


def fact(cls, booking, room, venue, **extra):
    values = dict(booking)
    contact = values.get("contact")
    return cls(
        booking_id=values["id"],
        venue_id=venue.id,
        venue_name=venue.name,
        room_id=room.id,
        room_name=room.name,
        start=shown(values["starts_at"]),
        end=shown(values["ends_at"]),
        status=values["status"],
        booker_id=values.get("booker_id"),
        booker_name=values.get("booker_name"),
        booked_by=values["booked_by"],
        channel=values["channel"],
        purpose=values.get("purpose") or "",
        event_id=values.get("event_id"),
        reason=values.get("reason"),
        contact=ContactPoint.model_validate(contact) if contact else None,
        organisation_id=values.get("organisation_id"),
        signed_off_by=values.get("signed_off_by"),
        closure_id=values.get("closure_id"),
        **extra,
    )


def insert(tx, placement: Placement, room, venue, decision: BookingDecision) -> dict:
    moment = utcnow()
    values = dict(
        id=str(uuid.uuid4()),
        venue_id=venue.id,
        room_id=room.id,
        starts_at=placement.start,
        ends_at=placement.end,
        occupied_start=from_local(decision.occupied_start),
        occupied_end=from_local(decision.occupied_end),
        attendees=placement.attendees,
        purpose=placement.purpose,
        booker_kind=placement.booker_kind,
        booker_id=placement.booker_id,
        booker_name=placement.booker_name,
        booked_by=placement.booked_by,
        channel=placement.channel,
        contact=placement.contact,
        status=decision.status,
        reason=None,
        event_id=placement.event_id,
        series_id=placement.series_id,
        closure_id=None,
        decided_by=None,
        created_at=moment,
        updated_at=moment,
        organisation_id=placement.organisation_id,
        needs_sign_off=decision.needs_sign_off,
        signed_off_by=None,
        signed_off_at=None,
    )
    if decision.needs_sign_off and not (placement.purpose or "").strip():
        raise Unprocessable(
            "An individual may use this room for a professional need once the leader in charge has "
            "signed; say what the need is (purpose) for the approval.",
            {
                "field": "purpose",
                "reason_code": "purpose_required",
                "detail_zh": "个人因专业需要租借本室须说明用途，经分管领导签字同意后方可使用",
            },
        )
    _write(tx.session, room, bookings.insert().values(**values), (values["occupied_start"], values["occupied_end"]))
    cls = BookingConfirmed if decision.status == "confirmed" else BookingRequested
    tx.emit(fact(cls, values, room, venue), subject=values["id"])
    return values


def _accepted(session, placement: Placement, room, venue):
    """(decision, day) of a booking the rules accept; the 409/422 that says why not otherwise."""
    decision, day = decide(
        session,
        room,
        venue,
        placement.start,
        placement.end,
        placement.attendees,
        placement.booker_kind,
        placement.channel,
        placement.booker_name,
        held_to_limits=placement.held_to_limits,
        person=placement.booker_id,
    )
    if isinstance(decision, BookingRefusal):
        raise refusal_error(decision, room, day, (to_local(placement.start), to_local(placement.end)))
    return decision, day


def precheck(session, placement: Placement, room, venue) -> None:
    """The same decision without the room's lock: on PostgreSQL a request that is refused anyway (the
    199 losers of a rush for one slot) is answered at once instead of queueing for the lock. An
    accepted request is decided again under the lock by `place`."""
    _accepted(session, placement, room, venue)


def calendar_warning(day: ResolvedDay) -> dict:
    """What the person booking must hear about a day whose statutory holidays nobody knows yet."""
    if day.calendar_known:
        return {}
    return {
        "calendar_warning": f"The statutory holidays of {day.date.year} are not published yet: {day.date} may "
        f"still become a holiday or an adjusted working day, and the venue's hours with it.",
        "calendar_warning_zh": f"{day.date.year}年法定节假日安排尚未公布，{day.date}可能调整为节假日或调休工作日，"
        f"开放时间可能随之变化。",
    }


def place(tx, placement: Placement, room, venue) -> dict:
    """Check and store one booking, or raise the 409/422 that says why not. The values returned carry
    the calendar warning of the day, if any (not stored: it is news for the person booking)."""
    decision, day = _accepted(tx.session, placement, room, venue)
    return {**insert(tx, placement, room, venue, decision), **calendar_warning(day)}


def change_status(
    tx,
    booking,
    room,
    venue,
    action: BookingAction,
    actor_sub: str,
    reason: str | None = None,
    closure_id: str | None = None,
    fact_extra: dict | None = None,
    signed_off_by: str | None = None,
) -> dict:
    """Move a booking through its state machine and publish the fact (if the move has one)."""
    try:
        status = transition(booking.status, action)
    except InvalidTransition as error:
        raise Conflict(
            sentence(str(error)),
            {
                "booking_id": booking.id,
                "booking_status": booking.status,
                "allowed_actions": [str(a) for a in allowed_actions(booking.status)],
            },
            detail_zh=error.message_zh,
        ) from error
    changes = {"status": str(status), "updated_at": utcnow()}
    if reason is not None:
        changes["reason"] = reason
    if closure_id is not None:
        changes["closure_id"] = closure_id
    if action in (BookingAction.CONFIRM, BookingAction.REJECT):
        changes["decided_by"] = actor_sub
    if action is BookingAction.CONFIRM and booking.needs_sign_off:
        if not signed_off_by:
            raise Unprocessable(
                "This is an individual's request for an organisations-only room: record the leader "
                "in charge who signed the consent (signed_off_by).",
                {
                    "field": "signed_off_by",
                    "booking_id": booking.id,
                    "detail_zh": "须经分管领导签字同意，请填写签字领导",
                },
            )
        changes.update(signed_off_by=signed_off_by, signed_off_at=changes["updated_at"])
    tx.session.execute(bookings.update().where(bookings.c.id == booking.id).values(**changes))
    values = {**dict(booking._mapping), **changes}
    cls = ACTION_FACTS.get(action)
    if cls is not None:
        tx.emit(fact(cls, values, room, venue, **(fact_extra or {})), subject=booking.id)
    return values


def move(tx, booking, room, venue, start: dt.datetime, end: dt.datetime) -> dict:
    """Move a booking to another time in the same room (checked like a new one, itself excluded)."""
    decision, day = decide(
        tx.session,
        room,
        venue,
        start,
        end,
        booking.attendees,
        booking.booker_kind,
        booking.channel,
        booking.booker_name,
        exclude=(booking.id,),
    )
    if isinstance(decision, BookingRefusal):
        raise refusal_error(decision, room, day, (to_local(start), to_local(end)))
    changes = dict(
        starts_at=start,
        ends_at=end,
        occupied_start=from_local(decision.occupied_start),
        occupied_end=from_local(decision.occupied_end),
        updated_at=utcnow(),
    )
    _write(
        tx.session,
        room,
        bookings.update().where(bookings.c.id == booking.id).values(**changes),
        (changes["occupied_start"], changes["occupied_end"]),
        exclude=(booking.id,),
    )
    values = {**dict(booking._mapping), **changes}
    tx.emit(
        fact(
            BookingRescheduled,
            values,
            room,
            venue,
            previous_start=shown(booking.starts_at),
            previous_end=shown(booking.ends_at),
        ),
        subject=booking.id,
    )
    return values


def require_cancellable_by_booker(actor: Actor, booking, room) -> None:
    """The room's cancellation cut-off binds the booker; the venue's managers may cancel any time."""
    if manages(actor, booking.venue_id):
        return
    refusal = cancellation_refusal(to_local(booking.starts_at), local_now(), room_limits(room))
    if refusal is not None:
        raise Unprocessable(
            sentence(refusal.message),
            {"reason_code": refusal.code, "detail_zh": refusal.message_zh, "booking_id": booking.id},
        )


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
