"""Contracts of the events service: cultural events, menu orders, registrations, feedback, dispatch requests."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import ContactPoint, Coordinates
from contracts.envelope import DomainEvent

Channel = Literal["online", "phone", "desk", "on_behalf"]


class VolunteerNeed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str = Field(min_length=1, max_length=60)
    count: int = Field(ge=1, le=200)
    skills: list[str] = []


class EventFact(DomainEvent):
    """Common shape of the event.* facts: enough to show and to react without asking back."""

    event_id: str
    title: str
    kind: str
    festival: str | None = None
    target_groups: list[str] = []
    organiser_id: str
    organiser_name: str | None = None
    venue_id: str | None = None
    room_id: str | None = None
    place_name: str
    town: str | None = None
    village: str | None = None
    coordinates: Coordinates | None = None
    start: datetime
    end: datetime
    capacity: int | None = None
    sequence: int = 0  # bumped on every reschedule (iCalendar SEQUENCE)


class EventPublished(EventFact):
    source_service = "events"
    event_type = "event.published"
    summary = "A cultural event is open to the public."
    volunteer_needs: list[VolunteerNeed] = []


class EventRescheduled(EventFact):
    source_service = "events"
    event_type = "event.rescheduled"
    summary = "A published event moved in time or place; registrants keep their places."
    previous_start: datetime
    previous_end: datetime


class EventCancelled(EventFact):
    source_service = "events"
    event_type = "event.cancelled"
    summary = "A published event will not take place (reason given)."
    reason: str


class EventCompleted(EventFact):
    source_service = "events"
    event_type = "event.completed"
    summary = "An event took place; attendance is final."
    attended: int = 0


class RegistrationFact(DomainEvent):
    registration_id: str
    event_id: str
    event_title: str
    start: datetime
    place_name: str
    person_id: str
    person_name: str | None = None
    party_size: int = 1
    channel: Channel = "online"
    registered_by: str
    waitlist_position: int | None = None
    contact: ContactPoint | None = None


class RegistrationConfirmed(RegistrationFact):
    source_service = "events"
    event_type = "registration.confirmed"
    summary = "A place (or a group's places) is confirmed."


class RegistrationWaitlisted(RegistrationFact):
    source_service = "events"
    event_type = "registration.waitlisted"
    summary = "The event is full; the registration waits in line."


class RegistrationPromoted(RegistrationFact):
    source_service = "events"
    event_type = "registration.promoted"
    summary = "A waitlisted registration got its places."


class RegistrationCancelled(RegistrationFact):
    source_service = "events"
    event_type = "registration.cancelled"
    summary = "A registration was cancelled (by the person, staff, or the event's cancellation)."
    reason: str | None = None


class OrderFact(DomainEvent):
    order_id: str
    offering_id: str
    offering_title: str
    venue_id: str  # the village or community centre that ordered
    venue_name: str | None = None
    requested_by: str
    earliest: datetime
    latest: datetime


class OrderPlaced(OrderFact):
    source_service = "events"
    event_type = "order.placed"
    summary = "A village or community ordered an offering from the menu (点单)."


class OrderScheduled(OrderFact):
    source_service = "events"
    event_type = "order.scheduled"
    summary = "The district scheduled an order: an event was created for it."
    event_id: str
    start: datetime


class OrderDeclined(OrderFact):
    source_service = "events"
    event_type = "order.declined"
    summary = "The district declined an order, with the reason."
    reason: str


class FeedbackReceived(DomainEvent):
    source_service = "events"
    event_type = "feedback.received"
    summary = "An attendee rated an event (1–5)."
    event_id: str
    registration_id: str
    rating: int = Field(ge=1, le=5)
    has_comment: bool = False
    organiser_id: str | None = None


class DispatchRequested(DomainEvent):
    source_service = "events"
    event_type = "dispatch.requested"
    summary = "An event needs volunteers: roles, counts and skills, time and place."
    event_id: str
    title: str
    organiser_id: str
    start: datetime
    end: datetime
    place_name: str
    coordinates: Coordinates | None = None
    needs: list[VolunteerNeed]
