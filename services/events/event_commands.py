"""Event lifecycle: create (draft), edit, publish, reschedule, cancel, complete; the kept-back release;
what a venue closure does to the events in it.

Questions to venues (room lookups, holds) are asked BEFORE the transaction opens — a database
transaction never waits on another service — and the transaction then re-checks the state under
the event lock before it writes the change and its facts.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from contracts.access import organises
from contracts.common import Actor
from contracts.errors import Conflict, Forbidden, Unprocessable
from contracts.events import (
    DispatchRequested,
    EventCancel,
    EventCancelled,
    EventCompleted,
    EventCreate,
    EventDisplaced,
    EventPublished,
    EventReschedule,
    EventRescheduled,
    EventUpdate,
    KeptBackRelease,
    RegistrationCancelled,
    RegistrationRescheduled,
)
from contracts.venues import VenueClosed
from kit.boundary import domain_errors, model_or_422, signed_in
from kit.clock import local, utcnow
from kit.rules import RuleViolation
from services.events import venues_client
from services.events.allocation import ACTIVE, lock_event, settle_and_save, snapshot
from services.events.domain import registrations as places_rules
from services.events.domain.festivals import Festival, check_festival_timing
from services.events.domain.lifecycle import (
    EventAction,
    EventStatus,
    action_for_change,
    check_can_complete,
    transition,
    validate_event_times,
    validate_volunteer_needs,
)
from services.events.domain.registrations import RegistrationAction, transition_registration
from services.events.queries import load_event
from services.events.rows import Place, coordinates, event_fact, event_view, needs_of, registration_fact, site_place
from services.events.tables import events, registrations

NULLABLE = ("festival", "capacity", "recurrence", "organiser_name")
PLAN_FIELDS = (
    "title",
    "description",
    "kind",
    "festival",
    "target_groups",
    "start",
    "end",
    "capacity",
    "kept_back",
    "release_lead_minutes",
    "volunteer_needs",
    "free",
    "recurrence",
    "on_venue_closure",
    "organiser_name",
)


def insert_draft(session, event_id: str, organiser_id: str, now: datetime, **columns) -> None:
    """A new event row in `draft` with nothing confirmed yet; `columns` from checked_plan (+ offering, order)."""
    session.execute(
        events.insert().values(
            id=event_id,
            status="draft",
            organiser_id=organiser_id,
            created_at=now,
            updated_at=now,
            next_seq=1,
            confirmed_general=0,
            confirmed_kept_back=0,
            released=False,
            sequence=0,
            needs_reschedule=False,
            **columns,
        )
    )


def reload(session, event_id: str):
    return session.execute(select(events).where(events.c.id == event_id)).first()


def check_owner(actor: Actor, row) -> None:
    if not organises(actor, row.organiser_id, row.town):
        raise Forbidden(
            "Only the event's organiser (or an organiser for its town, or an administrator) may change it.",
            {"event_id": row.id, "organiser_id": row.organiser_id},
        )


def check_may_change(db, actor: dict, event_id: str) -> None:
    who = signed_in(actor)
    with db.read() as session:
        check_owner(who, load_event(session, event_id))


def checked_plan(plan: dict, place: Place) -> dict:
    """Validate an event's plan with the domain rules; the columns to store."""
    with domain_errors():
        validate_event_times(plan["start"], plan["end"])
        needs = validate_volunteer_needs(plan["volunteer_needs"] or [])
        warning = None
        if plan["festival"]:
            warning = check_festival_timing(Festival(plan["festival"]), local(plan["start"]))
        capacity, kept_back = plan["capacity"], plan["kept_back"] or 0
        if capacity is None and kept_back:
            raise RuleViolation("kept-back places need a capacity", code="places.no_capacity", field="kept_back")
        if capacity is not None:
            if place.room_capacity and capacity > place.room_capacity:
                raise RuleViolation(
                    f"{place.place_name} holds {place.room_capacity} people, not {capacity}",
                    code="event.over_room_capacity",
                    field="capacity",
                )
            places_rules.EventPlaces(capacity=capacity, kept_back=kept_back)
    columns = {name: plan[name] for name in PLAN_FIELDS}
    columns.update(
        kept_back=kept_back,
        festival_warning=warning,
        volunteer_needs=[{"role": n.role, "count": n.count, "skills": list(n.skills)} for n in needs],
        **place.columns(),
    )
    return columns


def _json_plan(model) -> dict:
    plan = model.model_dump(include=set(PLAN_FIELDS))
    plan["volunteer_needs"] = [n.model_dump() for n in (getattr(model, "volunteer_needs", None) or [])]
    return plan


def _place_for(venues, room_id: str | None, site) -> Place | None:
    if room_id:
        return venues_client.room(venues, room_id)
    if site is not None:
        return site_place(site)
    return None


# ---- create and edit -------------------------------------------------------------------------------


def create(db, venues, actor: dict, event: dict, *, offering_id: str | None = None) -> dict:
    actor = signed_in(actor, "organiser")
    data = model_or_422(EventCreate, event)
    place = _place_for(venues, data.room_id, data.site)
    columns = checked_plan(_json_plan(data), place)
    columns["organiser_name"] = data.organiser_name or actor.name
    event_id = str(uuid.uuid4())
    now = utcnow()
    with db.transaction() as tx:
        insert_draft(tx.session, event_id, actor.sub, now, offering_id=offering_id, **columns)
        row = reload(tx.session, event_id)
    return event_view(row).model_dump(mode="json")


def update_event(db, venues, actor: dict, event_id: str, changes: dict) -> dict:
    actor = signed_in(actor, "organiser")
    data = model_or_422(EventUpdate, changes)
    sent = data.model_fields_set
    with db.read() as session:
        current = load_event(session, event_id)
    check_owner(actor, current)
    moved_place = _place_for(venues, data.room_id, data.site)
    moves = moved_place is not None or any(
        name in sent and getattr(data, name) != getattr(current, name) for name in ("start", "end")
    )
    with domain_errors():
        action = action_for_change(current.status, moves_time_or_place=moves)
        if action is EventAction.RESCHEDULE:
            raise Conflict(
                "A published event's time or place is moved by a reschedule "
                "(POST /api/v1/events/{id}/reschedule), which tells everyone registered.",
                {"event_id": event_id, "use": "reschedule"},
            )
        transition(current.status, action)
    with db.transaction() as tx:
        row = lock_event(tx.session, event_id)
        with domain_errors():
            transition(row.status, action)
        plan = {name: getattr(row, name) for name in PLAN_FIELDS}
        plan.update(
            {
                name: value
                for name, value in _json_plan(data).items()
                if name in sent and (value is not None or name in NULLABLE)
            }
        )
        if row.status == EventStatus.PUBLISHED and (plan["capacity"] is None) != (row.capacity is None):
            raise Unprocessable(
                "Whether people register cannot change once the event is published.", {"field": "capacity"}
            )
        columns = checked_plan(plan, moved_place or Place.of_row(row))
        columns["updated_at"] = utcnow()
        if row.status == EventStatus.PUBLISHED and row.capacity is not None:
            if not row.released:
                columns["release_at"] = row.start - timedelta(minutes=columns["release_lead_minutes"])
            if (columns["capacity"], columns["kept_back"]) != (row.capacity, row.kept_back):
                with domain_errors():
                    settlement = places_rules.change_capacity(
                        snapshot(tx.session, row), columns["capacity"], columns["kept_back"]
                    )
                settle_and_save(tx, row, settlement)
        tx.session.execute(update(events).where(events.c.id == event_id).values(**columns))
        row = reload(tx.session, event_id)
    return event_view(row).model_dump(mode="json")


# ---- publish ---------------------------------------------------------------------------------------


def publish_in_tx(tx, row, booking_id: str | None, now: datetime):
    """Make a draft public and announce it (event.published; dispatch.requested when volunteers are needed)."""
    release_at = row.start - timedelta(minutes=row.release_lead_minutes) if row.capacity is not None else None
    tx.session.execute(
        update(events)
        .where(events.c.id == row.id)
        .values(
            status="published",
            published_at=now,
            updated_at=now,
            hold_booking_id=booking_id,
            release_at=release_at,
            released=False,
            needs_reschedule=False,
        )
    )
    row = reload(tx.session, row.id)
    needs = needs_of(row)
    tx.emit(event_fact(EventPublished, row, volunteer_needs=needs), subject=row.id)
    if needs:
        tx.emit(
            DispatchRequested(
                event_id=row.id,
                title=row.title,
                organiser_id=row.organiser_id,
                start=row.start,
                end=row.end,
                place_name=row.place_name,
                coordinates=coordinates(row),
                needs=needs,
            ),
            subject=row.id,
        )
    return row


def hold_for(venues, actor: Actor, row) -> dict | None:
    """The hold of the event's room (booking_id, status, calendar_warning); Conflict while venues has not
    confirmed it (issue 17.7):
    the event stays a draft, the hold waits for the venue manager, and publishing again succeeds once
    it is confirmed."""
    if row.place_kind != "room":
        return None
    hold = venues_client.hold_with_status(
        venues, actor, room_id=row.room_id, start=row.start, end=row.end, event_id=row.id, title=row.title
    )
    if hold["status"] == "pending":
        raise Conflict(
            "The venue has not confirmed the room hold yet (the room's manager confirms every booking); "
            "the event stays unpublished until it does — publish again then.",
            {
                "reason_code": "hold_pending",
                "hold_booking_id": hold["booking_id"],
                "detail_zh": "场地预订待场馆确认，确认后方可发布活动",
            },
        )
    return hold


def publish(db, venues, actor: dict, event_id: str) -> dict:
    actor = signed_in(actor, "organiser")
    with db.read() as session:
        row = load_event(session, event_id)
    check_owner(actor, row)
    now = utcnow()
    with domain_errors():
        transition(row.status, EventAction.PUBLISH)
        validate_event_times(row.start, row.end, now=now)
    hold = hold_for(venues, actor, row)  # venues says no → its 409/422 with the reason
    booking_id = hold["booking_id"] if hold else None
    try:
        with db.transaction() as tx:
            row = lock_event(tx.session, event_id)
            with domain_errors():
                transition(row.status, EventAction.PUBLISH)
            row = publish_in_tx(tx, row, booking_id, now)
    except Exception:
        if row.place_kind == "room":
            with db.read() as session:
                latest = load_event(session, event_id)
            if not (latest.status == "published" and latest.hold_booking_id == booking_id):
                venues_client.release_quietly(venues, actor, event_id=event_id, reason="publication failed")
        raise
    view = event_view(row)
    if hold and hold.get("calendar_warning"):  # news for the organiser, not stored (venues keeps the calendar)
        view = view.model_copy(update={"calendar_warning": hold["calendar_warning"]})
    return view.model_dump(mode="json")


# ---- reschedule ------------------------------------------------------------------------------------


def reschedule(db, venues, actor: dict, event_id: str, body: dict) -> dict:
    actor = signed_in(actor, "organiser")
    data = model_or_422(EventReschedule, body)
    with db.read() as session:
        row = load_event(session, event_id)
    check_owner(actor, row)
    now = utcnow()
    with domain_errors():
        transition(row.status, EventAction.RESCHEDULE)
        validate_event_times(data.start, data.end, now=now)
    old = Place.of_row(row)
    new = _place_for(venues, data.room_id, data.site) or old
    if new.kind == "room" and new.room_capacity and row.capacity and row.capacity > new.room_capacity:
        raise Unprocessable(
            f"{new.place_name} holds {new.room_capacity} people; the event has {row.capacity} "
            "places. Lower the capacity first.",
            {"field": "room_id"},
        )
    booking_id = _move_hold(venues, actor, row, old, new, data)
    with db.transaction() as tx:
        row = lock_event(tx.session, event_id)
        with domain_errors():
            transition(row.status, EventAction.RESCHEDULE)
        values = dict(
            start=data.start,
            end=data.end,
            sequence=row.sequence + 1,
            needs_reschedule=False,
            hold_booking_id=booking_id,
            updated_at=utcnow(),
            **new.columns(),
        )
        if row.capacity is not None and not row.released:
            values["release_at"] = data.start - timedelta(minutes=row.release_lead_minutes)
        if row.festival:
            values["festival_warning"] = check_festival_timing(Festival(row.festival), local(data.start))
        tx.session.execute(update(events).where(events.c.id == event_id).values(**values))
        moved = reload(tx.session, event_id)
        tx.emit(event_fact(EventRescheduled, moved, previous_start=row.start, previous_end=row.end), subject=event_id)
        for registration in _registrations(tx.session, event_id, ACTIVE):
            tx.emit(
                registration_fact(RegistrationRescheduled, registration, moved, previous_start=row.start),
                subject=registration.id,
            )
    return event_view(moved).model_dump(mode="json")


def _move_hold(venues, actor: Actor, row, old: Place, new: Place, data: EventReschedule) -> str | None:
    """Move the room hold along with the event; the booking id holding the new place (None outdoors)."""
    held = old.kind == "room" and bool(row.hold_booking_id)
    if new.kind == "room" and held and new.room_id == old.room_id:
        return venues_client.move(venues, actor, event_id=row.id, start=data.start, end=data.end)
    if held:  # another room or outdoors: give the old room back first (venues holds one room per event)
        venues_client.release(venues, actor, event_id=row.id, reason=data.reason or "the event moved elsewhere")
    if new.kind != "room":
        return None
    try:
        return venues_client.hold(
            venues, actor, room_id=new.room_id, start=data.start, end=data.end, event_id=row.id, title=row.title
        )
    except Exception:
        if held:  # put the event back in its old room, as it was
            try:
                venues_client.hold(
                    venues, actor, room_id=old.room_id, start=row.start, end=row.end, event_id=row.id, title=row.title
                )
            except Exception as exc:  # noqa: BLE001 - reported below; the original error matters more
                venues_client.log.error("could not restore the hold of event %s: %s", row.id, exc)
        raise


# ---- cancel, complete ------------------------------------------------------------------------------


def _registrations(session, event_id: str, statuses):
    return session.execute(
        select(registrations)
        .where(registrations.c.event_id == event_id, registrations.c.status.in_(statuses))
        .order_by(registrations.c.seq)
    ).all()


def cancel_in_tx(tx, row, reason: str):
    """Cancel the event and every place at it; registrants and subscribers are told (with the reason)."""
    announce = row.status == EventStatus.PUBLISHED
    with domain_errors():
        transition(row.status, EventAction.CANCEL)
    now = utcnow()
    for registration in _registrations(tx.session, row.id, ("waitlisted", "confirmed")):
        with domain_errors():
            transition_registration(registration.status, RegistrationAction.CANCEL)
        tx.session.execute(
            update(registrations)
            .where(registrations.c.id == registration.id)
            .values(status="cancelled", cancel_reason=reason, updated_at=now)
        )
        tx.emit(registration_fact(RegistrationCancelled, registration, row, reason=reason), subject=registration.id)
    # A significant change (RFC 5545 §3.8.7.4): SEQUENCE goes up, so subscribed calendars take the cancellation.
    tx.session.execute(
        update(events)
        .where(events.c.id == row.id)
        .values(
            status="cancelled",
            cancel_reason=reason,
            hold_booking_id=None,
            confirmed_general=0,
            confirmed_kept_back=0,
            needs_reschedule=False,
            updated_at=now,
            sequence=row.sequence + 1,
        )
    )
    cancelled = reload(tx.session, row.id)
    if announce:
        tx.emit(event_fact(EventCancelled, cancelled, reason=reason), subject=row.id)
    return cancelled


def cancel(db, venues, actor: dict, event_id: str, body: dict) -> dict:
    actor = signed_in(actor, "organiser")
    data = model_or_422(EventCancel, body)
    with db.read() as session:
        row = load_event(session, event_id)
    check_owner(actor, row)
    with domain_errors():
        transition(row.status, EventAction.CANCEL)
    if row.status == EventStatus.PUBLISHED and row.hold_booking_id:
        venues_client.release(venues, actor, event_id=event_id, reason=data.reason)
    with db.transaction() as tx:
        row = cancel_in_tx(tx, lock_event(tx.session, event_id), data.reason)
    return event_view(row).model_dump(mode="json")


def complete(db, actor: dict, event_id: str) -> dict:
    actor = signed_in(actor, "organiser")
    with db.transaction() as tx:
        row = lock_event(tx.session, event_id)
        check_owner(actor, row)
        with domain_errors():
            transition(row.status, EventAction.COMPLETE)
            check_can_complete(row.end, utcnow())
        now = utcnow()
        attended = 0
        for registration in _registrations(tx.session, event_id, ("checked_in", "confirmed")):
            action = (
                RegistrationAction.MARK_ATTENDED
                if registration.status == "checked_in"
                else RegistrationAction.MARK_NO_SHOW
            )
            with domain_errors():
                status = transition_registration(registration.status, action)
            attended += registration.party_size if action is RegistrationAction.MARK_ATTENDED else 0
            tx.session.execute(
                update(registrations)
                .where(registrations.c.id == registration.id)
                .values(status=status.value, updated_at=now)
            )
        tx.session.execute(update(events).where(events.c.id == event_id).values(status="completed", updated_at=now))
        row = reload(tx.session, event_id)
        tx.emit(event_fact(EventCompleted, row, attended=attended), subject=event_id)
    return event_view(row).model_dump(mode="json")


# ---- kept-back places ------------------------------------------------------------------------------


def _release_in_tx(tx, row, now: datetime, *, force: bool) -> KeptBackRelease:
    places = snapshot(tx.session, row)
    promoted: list[str] = []
    if not places.released:
        if force:  # the organiser releases now instead of at the configured time
            places = replace(places, release_at=min(places.release_at or now, now))
        settlement = places_rules.release_kept_back(places, now)
        if settlement.snapshot.released:
            promoted = settle_and_save(tx, row, settlement, release_at=places.release_at)
    latest = reload(tx.session, row.id)
    return KeptBackRelease(
        event_id=row.id, released=latest.released, release_at=latest.release_at, promoted_registration_ids=promoted
    )


def release_now(db, actor: dict, event_id: str) -> dict:
    actor = signed_in(actor, "organiser")
    with db.transaction() as tx:
        row = lock_event(tx.session, event_id)
        check_owner(actor, row)
        if row.status != EventStatus.PUBLISHED:
            raise Conflict(
                f"The event is {row.status}; kept-back places are released only for published events.",
                {"event_id": event_id, "event_status": row.status},
            )
        if row.capacity is None:
            raise Unprocessable("This event needs no registration; it has no kept-back places.", {"event_id": event_id})
        result = _release_in_tx(tx, row, utcnow(), force=True)
    return result.model_dump(mode="json")


def release_due(db) -> list[dict]:
    """The timer's job: release every event whose release time has come (idempotent)."""
    now = utcnow()
    with db.read() as session:
        due = (
            session.execute(
                select(events.c.id).where(
                    events.c.status == "published",
                    events.c.released.is_(False),
                    events.c.capacity.is_not(None),
                    events.c.release_at <= now,
                )
            )
            .scalars()
            .all()
        )
    results = []
    for event_id in due:
        with db.transaction() as tx:
            row = lock_event(tx.session, event_id)
            if row.status == EventStatus.PUBLISHED and not row.released:
                results.append(_release_in_tx(tx, row, utcnow(), force=False).model_dump(mode="json"))
    return results


# ---- venue closures --------------------------------------------------------------------------------


def closure_reason(fact: VenueClosed) -> str:
    place = fact.venue_name + (f"·{fact.room_name}" if fact.room_name else "")
    reopening = local(fact.expected_reopening).strftime("%Y-%m-%d %H:%M")
    return f"{place}临时关闭（{fact.reason}），预计 {reopening} 恢复开放。"


def on_venue_closed(tx, fact: VenueClosed) -> list[str]:
    """Published events whose room the closure takes: cancelled, or kept and marked for rescheduling when
    the organiser chose so. Registrants of a cancelled event each get registration.cancelled."""
    overlapping = and_(
        events.c.place_kind == "room",
        events.c.venue_id == fact.venue_id,
        events.c.start < fact.expected_reopening,
        events.c.end > fact.start,
    )
    if fact.room_id:
        overlapping = and_(overlapping, events.c.room_id == fact.room_id)
    matches = overlapping
    if fact.cancelled_booking_ids:
        matches = or_(overlapping, events.c.hold_booking_id.in_(fact.cancelled_booking_ids))
    rows = tx.session.execute(
        select(events).where(events.c.status == "published", matches).order_by(events.c.start).with_for_update()
    ).all()
    reason = closure_reason(fact)
    affected = []
    for row in rows:
        if row.on_venue_closure == "reschedule":
            tx.session.execute(
                update(events)
                .where(events.c.id == row.id)
                .values(needs_reschedule=True, hold_booking_id=None, updated_at=utcnow())
            )
            tx.emit(event_fact(EventDisplaced, reload(tx.session, row.id), reason=reason), subject=row.id)
        else:
            cancel_in_tx(tx, row, reason)
        affected.append(row.id)
    return affected
