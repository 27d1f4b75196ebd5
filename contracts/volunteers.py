"""Contracts of the volunteers service: volunteers, dispatch offers and their outcome, hours."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from contracts.common import ContactPoint
from contracts.envelope import DomainEvent

ContactChannel = Literal["sms", "email", "inbox"]


class VolunteerApplied(DomainEvent):
    source_service = "volunteers"
    event_type = "volunteer.applied"
    summary = "Someone applied to volunteer."
    volunteer_id: str
    name: str
    town: str | None = None
    village: str | None = None
    skills: list[str] = []


class VolunteerApproved(DomainEvent):
    source_service = "volunteers"
    event_type = "volunteer.approved"
    summary = "An application was accepted; carries the channels the volunteer agreed to be contacted on."
    volunteer_id: str
    name: str
    contact: ContactPoint
    channels: list[ContactChannel] = ["inbox"]


class DispatchOfferFact(DomainEvent):
    offer_id: str
    event_id: str
    event_title: str
    volunteer_id: str
    volunteer_name: str | None = None
    role: str
    start: datetime
    end: datetime
    place_name: str


class DispatchOffered(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.offered"
    summary = "A volunteer is offered a role at an event, with accept/decline links and a deadline."
    deadline: datetime
    accept_url: str
    decline_url: str
    reminder: bool = False


class DispatchAccepted(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.accepted"
    summary = "A volunteer accepted an offer."


class DispatchDeclined(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.declined"
    summary = "A volunteer declined an offer."


class DispatchExpired(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.expired"
    summary = "An offer passed its deadline unanswered."


class DispatchWithdrawn(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.withdrawn"
    summary = "An offer (or an accepted place) was withdrawn: the event was cancelled or moved."
    reason: str


class TeamMember(BaseModel):
    model_config = ConfigDict(extra="forbid")
    volunteer_id: str
    name: str
    role: str


class RoleShortfall(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str
    needed: int
    accepted: int


class DispatchFilled(DomainEvent):
    source_service = "volunteers"
    event_type = "dispatch.filled"
    summary = "Every volunteer role of an event is filled."
    event_id: str
    event_title: str
    organiser_id: str
    team: list[TeamMember]


class DispatchUnfilled(DomainEvent):
    source_service = "volunteers"
    event_type = "dispatch.unfilled"
    summary = "Candidates ran out before every role was filled; the organiser must act."
    event_id: str
    event_title: str
    organiser_id: str
    shortfall: list[RoleShortfall]
    team: list[TeamMember] = []


class HoursCredited(DomainEvent):
    source_service = "volunteers"
    event_type = "hours.credited"
    summary = "Service hours were credited to a volunteer for an event they served."
    volunteer_id: str
    event_id: str
    hours: float
    total_hours: float
