"""Registrations (活动预约): register (online, phone, desk, on behalf), cancel with automatic promotion,
check-in, no-show, and feedback from those who attended.

Registering and cancelling lock the event row first (see allocation.py): the arrival number, the
domain's decision and the counters are all taken and written under that one lock, in one
transaction with the facts, so 1,000 people clicking at once get exactly the places there are.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from contracts.events import (
    FeedbackCreate,
    FeedbackReceived,
    FeedbackView,
    RegistrationCancel,
    RegistrationCancelled,
    RegistrationCheckedIn,
    RegistrationConfirmed,
    RegistrationCreate,
    RegistrationWaitlisted,
)
from kit.boundary import domain_errors, model_or_422, signed_in
from kit.clock import utcnow
from services.events.access import STAFF_ROLES, check_may_act_for, is_staff_for
from services.events.allocation import (
    ACTIVE,
    lock_event,
    lock_event_for_arrival,
    save_snapshot,
    settle_and_save,
    snapshot,
    waitlist_summary,
)
from services.events.domain import feedback as feedback_rules
from services.events.domain import registrations as rules
from services.events.queries import load_event, may_see_draft, registration_row
from services.events.rows import registration_fact, registration_view, snapshot_of
from services.events.tables import feedback, registrations

# ---- register --------------------------------------------------------------------------------------


def register(db, actor: dict, event_id: str, body: dict) -> dict:
    actor = signed_in(actor)
    data = model_or_422(RegistrationCreate, body)
    offline = data.channel != "online"
    if offline and actor.role not in STAFF_ROLES:
        raise Forbidden(
            "Phone, desk and on-behalf registrations are entered by staff; register online yourself.",
            {"channel": data.channel},
        )
    registration_id = str(uuid.uuid4())
    person_id = data.person_id or (f"guest-{registration_id}" if offline else actor.sub)
    person_name = data.person_name or (data.contact.name if data.contact else None)
    # A relative registers a linked dependant (scope dependant:<id>, issued by accounts); registered_by keeps who.
    for_dependant = person_id != actor.sub and f"dependant:{person_id}" in actor.scopes
    if not offline and person_id != actor.sub and actor.role not in STAFF_ROLES and not for_dependant:
        raise Forbidden(
            "Online, people register themselves or a linked dependant; staff register others (channel on_behalf).",
            {"person_id": person_id},
        )
    if offline and not (data.person_id or person_name):
        raise Unprocessable(
            "Say who the places are for (person_id or person_name): who registered for whom is recorded.",
            {"field": "person_name"},
        )
    if not offline and person_id == actor.sub:
        person_name = person_name or actor.name
    with db.transaction() as tx:
        # Before the lock (it shortens the queue there); the partial unique index catches a simultaneous twin.
        duplicate = tx.session.execute(
            select(registrations.c.id).where(
                registrations.c.event_id == event_id,
                registrations.c.person_id == person_id,
                registrations.c.status.in_(ACTIVE),
            )
        ).first()
        if duplicate:
            raise Conflict(
                "This person is already registered for the event.",
                {"registration_id": duplicate.id, "person_id": person_id},
            )
        # The lock and the arrival number in one statement: one round trip less under the lock.
        event = lock_event_for_arrival(tx.session, event_id)
        if offline and not is_staff_for(actor, event):
            raise Forbidden(
                "Only staff of this event's venue, organisers or administrators register people here.",
                {"event_id": event_id},
            )
        if event.status == "draft" and not may_see_draft(actor, event):
            raise NotFound(f"Event {event_id} does not exist.", {"event_id": event_id})
        # Its organiser sees the draft: registration is closed until it is published (422, as when cancelled).
        now = utcnow()
        with domain_errors():
            rules.check_registration_open(event.status, event.start, now)
        if event.capacity is None:
            raise Unprocessable(
                "No registration is needed for this event: everyone may come (无需预约).",
                {"event_id": event_id, "rule": "registration.not_needed"},
            )
        seq = event.next_seq - 1  # arrival number, taken under the lock: arrival order is commit order
        with domain_errors():
            places, decision = rules.register_newcomer(
                snapshot_of(event, ()),
                waitlist_summary(tx.session, event_id),
                rules.RegistrationRequest(registration_id, data.party_size, rules.Channel(data.channel), seq),
            )
        values = dict(
            id=registration_id,
            event_id=event_id,
            seq=seq,
            status=decision.status.value,
            party_size=data.party_size,
            channel=data.channel,
            person_id=person_id,
            person_name=person_name,
            contact=data.contact.model_dump(mode="json") if data.contact else None,
            registered_by=actor.sub,
            general_places=decision.general_places,
            kept_back_places=decision.kept_back_places,
            cancel_reason=None,
            created_at=now,
            updated_at=now,
            checked_in_at=None,
        )
        tx.session.execute(registrations.insert().values(**values))
        if decision.confirmed:  # a waitlisted newcomer changes no counter: no second UPDATE of the row
            save_snapshot(tx.session, event, places)
        fact = RegistrationConfirmed if decision.confirmed else RegistrationWaitlisted
        tx.emit(
            registration_fact(fact, values, event, waitlist_position=decision.waitlist_position),
            subject=registration_id,
        )
    return registration_view(values, decision.waitlist_position).model_dump(mode="json")


# ---- cancel, check-in, no-show ---------------------------------------------------------------------


def cancel(db, actor: dict, registration_id: str, body: dict | None) -> dict:
    actor = signed_in(actor)
    with db.read() as session:  # who may cancel is answered before anything about the body
        registration = registration_row(session, registration_id)
        check_may_act_for(actor, registration, load_event(session, registration.event_id))
        event_id = registration.event_id
    data = model_or_422(RegistrationCancel, body or {})
    with db.transaction() as tx:
        event = lock_event(tx.session, event_id)
        registration = registration_row(tx.session, registration_id)
        check_may_act_for(actor, registration, event)
        with domain_errors():
            rules.transition_registration(registration.status, rules.RegistrationAction.CANCEL)
            places = snapshot(tx.session, event)
            if registration.status == "confirmed":
                settlement = rules.cancel_confirmed(
                    places, general_places=registration.general_places, kept_back_places=registration.kept_back_places
                )
            else:
                settlement = rules.cancel_waitlisted(places, registration_id)
        reason = data.reason or ("本人取消" if actor.sub == registration.person_id else "由工作人员或代办人取消")
        now = utcnow()
        tx.session.execute(
            update(registrations)
            .where(registrations.c.id == registration_id)
            .values(status="cancelled", cancel_reason=reason, updated_at=now)
        )
        tx.emit(registration_fact(RegistrationCancelled, registration, event, reason=reason), subject=registration_id)
        settle_and_save(tx, event, settlement)  # frees the places and promotes whoever now fits, in order
        row = registration_row(tx.session, registration_id)
    return registration_view(row).model_dump(mode="json")


def _staff_transition(db, actor: dict, registration_id: str, action: rules.RegistrationAction) -> dict:
    actor = signed_in(actor, *STAFF_ROLES)
    with db.read() as session:
        event_id = registration_row(session, registration_id).event_id
    with db.transaction() as tx:
        event = lock_event(tx.session, event_id)
        registration = registration_row(tx.session, registration_id)
        if not is_staff_for(actor, event):
            raise Forbidden(
                "Only staff of this event's venue, organisers or administrators do this.", {"event_id": event_id}
            )
        now = utcnow()
        with domain_errors():
            if event.status != "published":
                raise rules.RuleViolation(f"the event is {event.status}", code="registration.event_not_running")
            if action is rules.RegistrationAction.CHECK_IN:
                rules.check_check_in_time(now, event.start, event.end)
            else:
                rules.check_no_show_time(now, event.start)
            status = rules.transition_registration(registration.status, action)
        values = {"status": status.value, "updated_at": now}
        if action is rules.RegistrationAction.CHECK_IN:
            values["checked_in_at"] = now
        tx.session.execute(update(registrations).where(registrations.c.id == registration_id).values(**values))
        row = registration_row(tx.session, registration_id)
        if action is rules.RegistrationAction.CHECK_IN:
            tx.emit(registration_fact(RegistrationCheckedIn, row, event), subject=registration_id)
    return registration_view(row).model_dump(mode="json")


def check_in(db, actor: dict, registration_id: str) -> dict:
    return _staff_transition(db, actor, registration_id, rules.RegistrationAction.CHECK_IN)


def no_show(db, actor: dict, registration_id: str) -> dict:
    return _staff_transition(db, actor, registration_id, rules.RegistrationAction.MARK_NO_SHOW)


# ---- feedback --------------------------------------------------------------------------------------


def give_feedback(db, actor: dict, registration_id: str, body: dict) -> dict:
    actor = signed_in(actor)
    data = model_or_422(FeedbackCreate, body)
    with db.transaction() as tx:
        registration = registration_row(tx.session, registration_id)
        event = load_event(tx.session, registration.event_id)
        check_may_act_for(actor, registration, event)
        given = tx.session.execute(
            select(feedback.c.registration_id).where(feedback.c.registration_id == registration_id)
        ).first()
        with domain_errors():
            accepted = feedback_rules.give_feedback(
                registration_id, registration.status, data.rating, data.comment, already_given=given is not None
            )
        now = utcnow()
        tx.session.execute(
            feedback.insert().values(
                registration_id=registration_id,
                event_id=event.id,
                offering_id=event.offering_id,
                organiser_id=event.organiser_id,
                rating=accepted.rating,
                comment=accepted.comment,
                created_at=now,
            )
        )
        tx.emit(
            FeedbackReceived(
                event_id=event.id,
                registration_id=registration_id,
                rating=accepted.rating,
                has_comment=accepted.comment is not None,
                organiser_id=event.organiser_id,
            ),
            subject=registration_id,
        )
    return FeedbackView(
        registration_id=registration_id,
        event_id=event.id,
        rating=accepted.rating,
        comment=accepted.comment,
        created_at=now,
    ).model_dump(mode="json")
