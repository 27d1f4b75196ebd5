"""Who hears about a fact, and the words the templates need from it.

The audience is decided from the ids the fact carries (DESIGN: a service emits facts, notifications
decides who hears them):
- the person a thing is for: `booker_id`, `person_id`, `volunteer_id`, `organiser_id`, `requested_by`;
- venue-level matters also go to the managers of that venue: recipient "scope:venue:<venue_id>";
- district matters go to the district administrators: recipient "role:admin";
- the people registered for an event hear of a reschedule or cancellation through the
  registration.rescheduled / registration.cancelled fact the events service emits for each of them
  (so event.rescheduled / event.cancelled do not message them a second time); the thank-you after
  event.completed goes to the registrants the service remembers from the registration.* facts.

A contact given with a booking or a registration (a phone booking for an elderly person) is the
consent for messages about that one thing: it travels with the recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .messages import Audience

ADMINS = "role:admin"
_GROUP_PREFIXES = ("role:", "scope:")

# event.* facts that the people registered for the event hear about directly.
EVENT_CHANGES = frozenset({"event.completed", "event.displaced"})
_VOLUNTEER_FACTS = frozenset(
    {
        "volunteer.applied",
        "volunteer.approved",
        "volunteer.rejected",
        "volunteer.suspended",
        "volunteer.retired",
        "dispatch.offered",
        "dispatch.accepted",
        "dispatch.declined",
        "dispatch.expired",
        "dispatch.withdrawn",
        "hours.credited",
    }
)


def venue_managers(venue_id: str) -> str:
    return f"scope:venue:{venue_id}"


def is_person(recipient: str) -> bool:
    """A person can have an address and a phone; a role or a scope is read in the inbox only."""
    return not recipient.startswith(_GROUP_PREFIXES)


@dataclass(frozen=True)
class GivenContact:
    """Contact details given with one booking or registration."""

    person_id: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None

    @classmethod
    def from_data(cls, value: Mapping[str, Any] | None) -> GivenContact | None:
        if not value:
            return None
        contact = cls(**{k: value.get(k) for k in ("person_id", "name", "phone", "email", "language")})
        return contact if (contact.phone or contact.email or contact.person_id) else None

    @property
    def reachable(self) -> bool:
        return bool(self.phone or self.email)


@dataclass(frozen=True)
class Recipient:
    key: str  # a person id, "role:<role>" or "scope:<kind>:<id>"
    audience: Audience
    contact: GivenContact | None = None  # consent for messages about this one thing

    @property
    def is_person(self) -> bool:
        return is_person(self.key)


def contact_subject(event_type: str, data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The thing a contact given with a fact belongs to: ('booking', id) or ('registration', id)."""
    family = event_type.split(".", 1)[0]
    if family == "booking" and data.get("booking_id"):
        return "booking", str(data["booking_id"])
    if family == "registration" and data.get("registration_id"):
        return "registration", str(data["registration_id"])
    if family == "loan" and data.get("loan_id"):
        return "loan", str(data["loan_id"])
    return None


def recipients(
    event_type: str,
    data: Mapping[str, Any],
    *,
    contact: GivenContact | None = None,
    registrants: Iterable[str] = (),
) -> list[Recipient]:
    """Everyone who gets a message about this fact (each recipient once, first audience wins).

    `contact` is the contact given with the booking/registration (from the fact or remembered from
    an earlier fact about the same thing); `registrants` the people registered for the event."""
    family = event_type.split(".", 1)[0]
    found: list[Recipient] = []

    def add(key: object, audience: Audience, given: GivenContact | None = None) -> None:
        if key:
            found.append(Recipient(str(key), audience, given))

    if event_type == "venue.registered":
        add(ADMINS, Audience.VENUE_MANAGER)
    elif event_type in ("venue.closed", "venue.reopened"):
        add(venue_managers(data["venue_id"]), Audience.PARTICIPANT)
        add(ADMINS, Audience.PARTICIPANT)
    elif family == "booking":
        add(_person_for(data.get("booker_id"), contact, event_type, data), Audience.APPLICANT, contact)
        if event_type == "booking.requested":
            add(venue_managers(data["venue_id"]), Audience.VENUE_MANAGER)
    elif event_type == "event.published":
        add(data.get("organiser_id"), Audience.ORGANISER)
    elif event_type == "event.displaced":  # the room was lost (closure, or the venue took its hold back)
        add(data.get("organiser_id"), Audience.ORGANISER)
        for person in registrants:
            add(person, Audience.PARTICIPANT)
    elif event_type in EVENT_CHANGES:
        for person in registrants:
            add(person, Audience.PARTICIPANT)
    elif family == "registration":
        add(_person_for(data.get("person_id"), contact, event_type, data), Audience.APPLICANT, contact)
    elif event_type == "survey.invited":
        add(data.get("person_id"), Audience.PARTICIPANT)
    elif event_type == "loan.overdue":
        add(_person_for(data.get("borrower_id"), contact, event_type, data), Audience.APPLICANT, contact)
    elif family == "order":
        add(data.get("requested_by"), Audience.APPLICANT)
        if event_type == "order.placed":
            add(ADMINS, Audience.ORGANISER)  # the district schedules or declines orders
    elif event_type in _VOLUNTEER_FACTS:
        add(data.get("volunteer_id"), Audience.VOLUNTEER)
    elif event_type in ("dispatch.filled", "dispatch.unfilled"):
        add(data.get("organiser_id"), Audience.ORGANISER)
    # feedback.received, dispatch.requested and facts no template speaks about: nobody.

    unique: dict[str, Recipient] = {}
    for recipient in found:
        unique.setdefault(recipient.key, recipient)
    return list(unique.values())


def _person_for(
    person_id: object, contact: GivenContact | None, event_type: str, data: Mapping[str, Any]
) -> str | None:
    """The person a booking/registration is for; someone known only by the phone number or address
    given at the desk is addressed through that thing ('contact:booking:<id>')."""
    if person_id:
        return str(person_id)
    if contact is not None and contact.person_id:
        return contact.person_id
    subject = contact_subject(event_type, data)
    if contact is not None and contact.reachable and subject:
        return f"contact:{subject[0]}:{subject[1]}"
    return None


def template_values(event_type: str, data: Mapping[str, Any], language: str | None = "zh-CN") -> dict[str, Any]:
    """The fact's data under the names the templates use (templates.render reads these)."""
    english = bool(language) and language.lower().startswith("en")
    values: dict[str, Any] = dict(data)
    if data.get("title") and not data.get("event_title"):
        values["event_title"] = data["title"]
    if data.get("place_name") and not data.get("place"):
        values["place"] = data["place_name"]
    if data.get("organiser_name"):
        values["organiser"] = data["organiser_name"]
    if data.get("waitlist_position") is not None:
        values["position"] = data["waitlist_position"]
    if event_type == "venue.reopened":
        values["start"] = data.get("reopened_at")
    if event_type.startswith("order."):
        if event_type != "order.scheduled" or not data.get("start"):
            values["start"], values["end"] = data.get("earliest"), data.get("latest")
    separator = ", " if english else "、"
    if event_type == "dispatch.unfilled":
        shortfall = [s for s in data.get("shortfall") or [] if s.get("needed", 0) > s.get("accepted", 0)]
        values["shortfall"] = sum(s["needed"] - s["accepted"] for s in shortfall) or None
        values["role"] = separator.join(s["role"] for s in shortfall) or None
    if event_type == "dispatch.filled":
        roles = sorted({m.get("role") for m in data.get("team") or [] if m.get("role")})
        values["role"] = separator.join(roles) or None
    return values


def is_reminder(data: Mapping[str, Any]) -> bool:
    return data.get("reminder") is True


def reminder_prefix(language: str | None) -> str:
    return "Reminder: " if language and language.lower().startswith("en") else "提醒："
