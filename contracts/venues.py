"""Contracts of the venues service: commands/queries (RPC payloads) and the facts it publishes."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import ContactPoint, Coordinates
from contracts.envelope import DomainEvent

VenueKind = Literal[
    "library", "cultural_centre", "childrens_library", "science_museum", "stadium", "youth_centre", "theatre",
    "town_cultural_station", "town_service_centre", "village_centre", "community_centre", "farmhouse_library",
    "reading_point",
]
VenueLevel = Literal["district", "town", "village"]
Accessibility = Literal[
    "step_free_access", "accessible_toilet", "braille", "hearing_loop", "accessible_parking", "wheelchair_loan",
    "large_print", "audio_guide", "sign_language_service",
]


class VenueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    kind: VenueKind
    level: VenueLevel
    parent_id: str | None = Field(None, description="The venue this one is a branch of (总分馆).")
    town: str | None = Field(None, max_length=100)
    village: str | None = Field(None, max_length=100)
    address: str = Field("", max_length=300)
    coordinates: Coordinates | None = None
    accessibility: list[Accessibility] = []
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=200)
    description: str = Field("", max_length=2000)


class Venue(VenueCreate):
    id: str
    status: Literal["open", "closed"] = "open"
    created_at: datetime


# ---- facts ---------------------------------------------------------------------------------------

class VenueRegistered(DomainEvent):
    source_service = "venues"
    event_type = "venue.registered"
    summary = "A venue joined the network (总分馆体系)."

    venue_id: str
    name: str
    kind: VenueKind
    level: VenueLevel
    parent_id: str | None = None
    town: str | None = None
    village: str | None = None
    address: str = ""
    coordinates: Coordinates | None = None
    accessibility: list[Accessibility] = []
    registered_by: str


class VenueClosed(DomainEvent):
    source_service = "venues"
    event_type = "venue.closed"
    summary = "A venue or one of its rooms is closed, with the reason and the expected reopening (seed 004)."

    closure_id: str
    venue_id: str
    venue_name: str
    room_id: str | None = None  # None: the whole venue
    room_name: str | None = None
    start: datetime
    expected_reopening: datetime
    reason: str
    cancelled_booking_ids: list[str] = []


class VenueReopened(DomainEvent):
    source_service = "venues"
    event_type = "venue.reopened"
    summary = "A closure ended (early, on time or late) or its expected reopening moved."

    closure_id: str
    venue_id: str
    venue_name: str
    room_id: str | None = None
    room_name: str | None = None
    reopened_at: datetime | None = None  # None while still closed but the expected reopening changed
    expected_reopening: datetime | None = None


class BookingFact(DomainEvent):
    """Common shape of the booking.* facts."""

    booking_id: str
    venue_id: str
    venue_name: str
    room_id: str
    room_name: str
    start: datetime
    end: datetime
    status: str
    booker_id: str | None = None  # the person or organisation the room is for
    booker_name: str | None = None
    booked_by: str  # who entered it (differs from the booker for phone/desk/on-behalf bookings)
    channel: Literal["online", "phone", "desk", "on_behalf"] = "online"
    purpose: str = ""
    event_id: str | None = None  # set when the booking is a room hold for a cultural event
    reason: str | None = None
    contact: ContactPoint | None = None


class BookingRequested(BookingFact):
    source_service = "venues"
    event_type = "booking.requested"
    summary = "A booking waits for a venue manager's approval."


class BookingConfirmed(BookingFact):
    source_service = "venues"
    event_type = "booking.confirmed"
    summary = "A room is booked."


class BookingRejected(BookingFact):
    source_service = "venues"
    event_type = "booking.rejected"
    summary = "A venue manager refused a booking, with the reason."


class BookingCancelled(BookingFact):
    source_service = "venues"
    event_type = "booking.cancelled"
    summary = "A booking was cancelled (by its booker, a manager, or a closure — see reason)."
