"""The people directory: rows ↔ contact preferences, and what facts teach us about people.

Fed by people themselves (PUT /api/v1/people/me), by staff (PUT /api/v1/people/{id}), by
`volunteer.approved` (contact details and the channels the volunteer agreed to), and by the contact
given with a booking or registration (remembered per thing: consent for messages about it only).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Mapping

from sqlalchemy import case, delete, select, update
from sqlalchemy.orm import Session

from contracts.notifications import Person, PersonContactUpdate
from kit.forgetting import mask_kept_messages
from services.notifications.domain.audience import GivenContact, contact_subject
from services.notifications.domain.delivery_policy import Channel, Contact, Preferences
from services.notifications.tables import (
    contact_points,
    deliveries,
    inbox,
    inbox_messages,
    inbox_reads,
    outbox,
    people,
    registrants,
)

DEFAULT_LANGUAGE = "zh-CN"


def load_person(session: Session, person_id: str, *, for_update: bool = False):
    query = select(people).where(people.c.person_id == person_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).first()


def person_view(person_id: str, row) -> dict:
    if row is None:
        return Person(person_id=person_id).model_dump(mode="json")
    return Person(
        person_id=row.person_id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        channels=list(row.channels or []),
        language=row.language,
        quiet_hours={"start": row.quiet_start, "end": row.quiet_end},
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    ).model_dump(mode="json")


def save_person(session: Session, person_id: str, update: PersonContactUpdate, *, by: str, now: datetime) -> None:
    values = {
        "name": update.name,
        "phone": update.phone,
        "email": update.email,
        "channels": list(update.channels),
        "language": update.language,
        "quiet_start": update.quiet_hours.start,
        "quiet_end": update.quiet_hours.end,
        "updated_at": now,
        "updated_by": by,
    }
    _upsert(session, person_id, values, replace=True)


def _upsert(session: Session, person_id: str, values: dict, *, replace: bool) -> None:
    row = load_person(session, person_id, for_update=True)
    if row is None:
        defaults = {"channels": ["inbox"], "language": DEFAULT_LANGUAGE, "quiet_start": "22:00", "quiet_end": "08:00"}
        session.execute(people.insert().values(person_id=person_id, **{**defaults, **values}))
    elif replace:
        session.execute(people.update().where(people.c.person_id == person_id).values(**values))
    else:  # learn only what is missing: never overwrite what the person said themselves
        missing = {k: v for k, v in values.items() if v and not getattr(row, k, None)}
        if missing:
            session.execute(people.update().where(people.c.person_id == person_id).values(**missing))


# ---- what facts teach us ------------------------------------------------------------------------


def absorb_fact(session: Session, event_type: str, data: Mapping[str, Any], now: datetime) -> GivenContact | None:
    """Update the directory and the registrant list from a fact; return the contact given for the
    thing the fact is about (from this fact, or remembered from an earlier one)."""
    if event_type in ("volunteer.approved", "volunteer.updated"):  # both carry contact + consent
        # The volunteer's record in volunteers is the source: its contact and consent replace ours.
        contact = data.get("contact") or {}
        values = {
            "name": contact.get("name") or data.get("name"),
            "phone": contact.get("phone"),
            "email": contact.get("email"),
            "channels": sorted(set(data.get("channels") or ["inbox"]) | {"inbox"}),
            "updated_at": now,
            "updated_by": f"volunteers ({event_type})",
        }
        if contact.get("language"):
            values["language"] = contact["language"]
        _upsert(session, str(data["volunteer_id"]), values, replace=True)
        return None
    if event_type == "account.closed":
        forget_people(session, [str(p) for p in data.get("person_ids") or [data["account_id"]]])
        return None
    if event_type.startswith("registration."):
        _track_registrant(session, event_type, data, now)
    subject = contact_subject(event_type, data)
    if subject is None:
        return None
    given = GivenContact.from_data(data.get("contact"))
    if given is not None:
        _remember_contact(session, subject, given, now)
        person_id = given.person_id or data.get("booker_id") or data.get("person_id")
        if person_id:
            _upsert(
                session,
                str(person_id),
                {
                    "name": given.name,
                    "phone": given.phone,
                    "email": given.email,
                    "updated_at": now,
                    "updated_by": "contact",
                },
                replace=False,
            )
        return given
    row = session.execute(
        select(contact_points).where(contact_points.c.kind == subject[0], contact_points.c.subject_id == subject[1])
    ).first()
    if row is None:
        return None
    return GivenContact(person_id=row.person_id, name=row.name, phone=row.phone, email=row.email, language=row.language)


def _remember_contact(session: Session, subject: tuple[str, str], given: GivenContact, now: datetime) -> None:
    key = (contact_points.c.kind == subject[0]) & (contact_points.c.subject_id == subject[1])
    values = {
        "person_id": given.person_id,
        "name": given.name,
        "phone": given.phone,
        "email": given.email,
        "language": given.language,
    }
    if session.execute(select(contact_points.c.kind).where(key)).first():
        session.execute(contact_points.update().where(key).values(**values))
    else:
        session.execute(
            contact_points.insert().values(kind=subject[0], subject_id=subject[1], created_at=now, **values)
        )


_REGISTRATION_STATUS = {
    "registration.confirmed": "confirmed",
    "registration.promoted": "confirmed",
    "registration.waitlisted": "waitlisted",
    "registration.cancelled": "cancelled",
}


def _track_registrant(session: Session, event_type: str, data: Mapping[str, Any], now: datetime) -> None:
    status = _REGISTRATION_STATUS.get(event_type)
    if status is None or not data.get("registration_id"):
        return
    key = registrants.c.registration_id == data["registration_id"]
    row = session.execute(select(registrants.c.status).where(key).with_for_update()).first()
    if row is None:
        session.execute(
            registrants.insert().values(
                registration_id=data["registration_id"],
                event_id=data["event_id"],
                person_id=str(data["person_id"]),
                status=status,
                updated_at=now,
            )
        )
    elif row.status != "cancelled":  # facts may arrive out of order: a cancellation is final
        if not (row.status == "confirmed" and status == "waitlisted"):
            session.execute(registrants.update().where(key).values(status=status, updated_at=now))


def registrants_of(session: Session, event_id: str) -> list[str]:
    rows = session.execute(
        select(registrants.c.person_id)
        .where(registrants.c.event_id == event_id, registrants.c.status != "cancelled")
        .order_by(registrants.c.person_id)
    ).all()
    return sorted({r.person_id for r in rows})


# ---- how to reach one person about one thing ------------------------------------------------------


def reach(row, given: GivenContact | None) -> tuple[Preferences, Contact, str]:
    """Preferences, addresses and language for a message. A contact given with the thing wins for
    messages about it, and counts as consent for its channel."""
    channels = set(row.channels or []) if row is not None else set()
    phone = row.phone if row is not None else None
    email = row.email if row is not None else None
    if given is not None:
        if given.phone:
            phone = given.phone
            channels.add(Channel.SMS.value)
        if given.email:
            email = given.email
            channels.add(Channel.EMAIL.value)
    language = row.language if row is not None else (given.language if given and given.language else DEFAULT_LANGUAGE)
    prefs = Preferences(
        channels=frozenset(c for c in channels if c in {c.value for c in Channel}),
        language=language,
        quiet_start=time.fromisoformat(row.quiet_start) if row is not None else time(22, 0),
        quiet_end=time.fromisoformat(row.quiet_end) if row is not None else time(8, 0),
    )
    return prefs, Contact(email=email, phone=phone), language


def forget_people(session: Session, person_ids: list[str]) -> None:
    """PIPL (`account.closed`): the directory entries, the contacts given for bookings and registrations,
    the inbox and the addresses and texts of past deliveries of these people go."""
    phones = set(session.execute(select(people.c.phone).where(people.c.person_id.in_(person_ids))).scalars())
    phones |= set(
        session.execute(select(contact_points.c.phone).where(contact_points.c.person_id.in_(person_ids))).scalars()
    )
    phones.discard(None)
    phones.discard("")
    mask_kept_messages(session, outbox, inbox, phones)
    session.execute(delete(people).where(people.c.person_id.in_(person_ids)))
    session.execute(
        delete(contact_points).where(contact_points.c.person_id.in_(person_ids) | contact_points.c.phone.in_(phones))
    )
    session.execute(
        update(deliveries)
        .where(deliveries.c.recipient.in_(person_ids) | deliveries.c.address.in_(phones))
        .values(
            address="",
            subject="",
            body="",
            status=case((deliveries.c.status == "pending", "skipped"), else_=deliveries.c.status),
        )
    )
    message_ids = select(inbox_messages.c.id).where(inbox_messages.c.recipient.in_(person_ids))
    session.execute(delete(inbox_reads).where(inbox_reads.c.message_id.in_(message_ids)))
    session.execute(delete(inbox_messages).where(inbox_messages.c.recipient.in_(person_ids)))
