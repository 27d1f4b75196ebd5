"""Contracts of the events service: cultural events, menu orders, registrations, feedback, dispatch requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from contracts.common import (
    JSON_INTEGER,
    ContactPoint,
    Coordinates,
    IsoAwareDatetime,
    IsoDate,
    StrictBool,
    StrictInt,
    ecma_pattern,
)
from contracts.envelope import DomainEvent
from contracts.skills import SKILL_LABELS, SKILLS, skill_code

Channel = Literal["online", "phone", "desk", "on_behalf"]


class VolunteerNeed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str = Field(min_length=1, max_length=60)
    count: StrictInt = Field(ge=1, le=200)
    skills: list[str] = Field(
        [],
        description="Skill codes of contracts/skills.py (GET /api/v1/volunteers/skills); "
        "a Chinese label (「搬运」) is taken as its code.",
        json_schema_extra={"items": {"type": "string", "enum": [*SKILLS, *SKILLS.values()]}},
    )

    @field_validator("skills")
    @classmethod
    def _known_skills(cls, skills: list[str], info: ValidationInfo) -> list[str]:
        if (info.context or {}).get("reading"):  # stored or published before the vocabulary: read as it is
            return list(dict.fromkeys(s if s not in SKILL_LABELS else skill_code(s) for s in skills))
        return list(dict.fromkeys(skill_code(s) for s in skills))


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


class RegistrationCheckedIn(RegistrationFact):
    source_service = "events"
    event_type = "registration.checked_in"
    summary = "A registered person (and their party) arrived and was checked in at the event (reach, seeds 002/003)."


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
    registration_id: str | None = None  # None: given with the event's feedback code (no registration)
    rating: int = Field(ge=1, le=5)
    has_comment: bool = False
    organiser_id: str | None = None
    channel: Literal["registration", "code"] = "registration"


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


class RegistrationRescheduled(RegistrationFact):
    source_service = "events"
    event_type = "registration.rescheduled"
    summary = "The event of a registration moved in time or place; the place is kept (one fact per registrant)."
    previous_start: datetime


class EventDisplaced(EventFact):
    source_service = "events"
    event_type = "event.displaced"
    summary = (
        "A venue closure took a published event's room; by the organiser's setting the event is kept and "
        "must be rescheduled (registrants keep their places)."
    )
    reason: str


# ---- commands and views (RPC payloads; the gateway validates with the same models) ---------------

EventKind = Literal[
    "mobile_performance",
    "festival",
    "lecture",
    "training",
    "exhibition",
    "film_screening",
    "reading_promotion",
    "other",
]
FestivalName = Literal["元旦", "腊八", "除夕", "春节", "元宵", "清明", "劳动节", "端午", "七夕", "中秋", "重阳", "国庆"]
TargetGroup = Literal["elderly", "minors", "left_behind_children", "disabled", "migrant_workers", "everyone"]
EventStatus = Literal["draft", "published", "completed", "cancelled"]
ClosurePolicy = Literal["cancel", "reschedule"]
RegistrationStatus = Literal["waitlisted", "confirmed", "checked_in", "attended", "no_show", "cancelled"]
OrderStatus = Literal["placed", "scheduled", "declined", "withdrawn"]


class OutdoorSite(BaseModel):
    """A place that is not a bookable room: a village square, a threshing floor, a school yard."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="e.g. 石门村文化广场")
    village: str | None = Field(None, max_length=100)
    town: str | None = Field(None, max_length=100)
    address: str = Field("", max_length=300)
    coordinates: Coordinates
    venue_id: str | None = Field(None, description="The village or community centre hosting it, if any.")


def _one_place(room_id: str | None, site: OutdoorSite | None, required: bool) -> None:
    if room_id and site:
        raise ValueError("give either room_id (a room held through venues) or site (an outdoor site), not both")
    if required and not room_id and not site:
        raise ValueError("give room_id (a room held through venues) or site (an outdoor site)")


class EventCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "中秋诗会",
                    "kind": "festival",
                    "festival": "中秋",
                    "target_groups": ["everyone"],
                    "room_id": "a-room-id",
                    "start": "2027-09-14T14:30:00+08:00",
                    "end": "2027-09-14T16:30:00+08:00",
                    "capacity": 40,
                    "kept_back": 10,
                }
            ]
        },
    )
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    kind: EventKind
    festival: FestivalName | None = None
    target_groups: list[TargetGroup] = Field(default_factory=lambda: ["everyone"], max_length=6)  # type: ignore[arg-type]
    room_id: str | None = Field(None, description="A room held through venues when the event is published.")
    site: OutdoorSite | None = Field(None, description="An outdoor site instead of a room.")
    start: IsoAwareDatetime
    end: IsoAwareDatetime
    capacity: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER] | None = Field(
        None, description="Places to register for; none: open to all, no registration needed."
    )
    kept_back: StrictInt = Field(0, ge=0, description="Places kept for phone, desk and on-behalf registrations.")
    release_lead_minutes: StrictInt = Field(
        24 * 60, ge=0, le=60 * 24 * 60, description="Kept-back places left are released this long before the start."
    )
    volunteer_needs: list[VolunteerNeed] = Field(default_factory=list, max_length=30)
    free: StrictBool = True
    recurrence: str | None = Field(None, max_length=200, description="A standing activity, e.g. 每周三晚.")
    on_venue_closure: ClosurePolicy = Field("cancel", description="If the room closes: cancel, or keep and reschedule.")
    organiser_name: str | None = Field(None, max_length=200, description="Shown on the notice board.")

    @model_validator(mode="after")
    def _consistent(self):
        _one_place(self.room_id, self.site, required=True)
        if self.capacity is None and self.kept_back:
            raise ValueError("kept_back needs a capacity")
        if self.capacity is not None and self.kept_back > self.capacity:
            raise ValueError("kept_back cannot be larger than capacity")
        return self


class EventUpdate(BaseModel):
    """Changes to an event; only the fields sent change. Time and place of a published event are moved by
    POST /events/{id}/reschedule."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    kind: EventKind | None = None
    festival: FestivalName | None = None
    target_groups: list[TargetGroup] | None = Field(None, max_length=6)
    room_id: str | None = None
    site: OutdoorSite | None = None
    start: IsoAwareDatetime | None = None
    end: IsoAwareDatetime | None = None
    capacity: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER] | None = None
    kept_back: Annotated[int, Field(ge=0), JSON_INTEGER] | None = None
    release_lead_minutes: Annotated[int, Field(ge=0, le=60 * 24 * 60), JSON_INTEGER] | None = None
    volunteer_needs: list[VolunteerNeed] | None = Field(None, max_length=30)
    free: StrictBool | None = None
    recurrence: str | None = Field(None, max_length=200)
    on_venue_closure: ClosurePolicy | None = None
    organiser_name: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _consistent(self):
        _one_place(self.room_id, self.site, required=False)
        return self


class EventReschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: IsoAwareDatetime
    end: IsoAwareDatetime
    room_id: str | None = Field(None, description="Move to this room (default: keep the place).")
    site: OutdoorSite | None = Field(None, description="Move to this outdoor site (default: keep the place).")
    reason: str = Field("", max_length=500)

    @model_validator(mode="after")
    def _consistent(self):
        _one_place(self.room_id, self.site, required=False)
        return self


class EventCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)


class EventPlaces(BaseModel):
    confirmed: int = 0
    confirmed_general: int = 0
    confirmed_kept_back: int = 0
    free_general: int = 0
    free_kept_back: int = 0
    waitlisted_parties: int = 0
    waitlisted_people: int = 0


class EventView(BaseModel):
    id: str
    status: EventStatus
    title: str
    description: str = ""
    kind: EventKind
    kind_label: str
    festival: FestivalName | None = None
    festival_warning: str | None = Field(None, description="Set when the date is outside the festival's season.")
    calendar_warning: str | None = Field(
        None,
        description="On publication in a room: the statutory holidays of "
        "that day are not published yet (venues says so).",
    )
    target_groups: list[TargetGroup] = []
    organiser_id: str
    organiser_name: str | None = None
    place_kind: Literal["room", "outdoor"]
    place_name: str
    room_id: str | None = None
    room_name: str | None = None
    venue_id: str | None = None
    venue_name: str | None = None
    town: str | None = None
    village: str | None = None
    address: str = ""
    coordinates: Coordinates | None = None
    start: datetime
    end: datetime
    capacity: int | None = None
    kept_back: int = 0
    release_at: datetime | None = None
    released: bool = False
    places: EventPlaces | None = None
    volunteer_needs: list[VolunteerNeed] = []
    free: bool = True
    recurrence: str | None = None
    on_venue_closure: ClosurePolicy = "cancel"
    needs_reschedule: bool = False
    hold_booking_id: str | None = None
    sequence: int = 0
    cancel_reason: str | None = None
    offering_id: str | None = None
    order_id: str | None = None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None


class KeptBackRelease(BaseModel):
    event_id: str
    released: bool
    release_at: datetime | None = None
    promoted_registration_ids: list[str] = []


class RegistrationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "party_size": 2,
                    "channel": "phone",
                    "person_name": "王秀英",
                    "contact": {"name": "王秀英", "phone": "13800000000"},
                }
            ]
        },
    )
    party_size: StrictInt = Field(
        1, ge=1, le=20, description="A family or an elder with a companion: all places or none."
    )
    channel: Channel = "online"
    person_id: str | None = Field(None, max_length=100, description="Who the places are for (default: the caller).")
    person_name: str | None = Field(None, max_length=100)
    contact: ContactPoint | None = None


class RegistrationCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=500)


class RegistrationView(BaseModel):
    id: str
    event_id: str
    seq: int = Field(description="Arrival number at this event (commit order).")
    status: RegistrationStatus
    party_size: int
    channel: Channel
    person_id: str
    person_name: str | None = None
    registered_by: str
    general_places: int = 0
    kept_back_places: int = 0
    waitlist_position: int | None = None
    contact: ContactPoint | None = None
    cancel_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    checked_in_at: datetime | None = None


class OfferingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    kind: EventKind
    provider: str = Field(min_length=1, max_length=200, description="The troupe or provider delivering it.")
    duration_minutes: StrictInt = Field(ge=1, le=24 * 60)
    target_groups: list[TargetGroup] = Field(default_factory=lambda: ["everyone"], max_length=6)  # type: ignore[arg-type]
    description: str = Field("", max_length=4000)
    volunteer_needs: list[VolunteerNeed] = Field(default_factory=list, max_length=30)


class OfferingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: EventKind | None = None
    provider: str | None = Field(None, min_length=1, max_length=200)
    duration_minutes: Annotated[int, Field(ge=1, le=24 * 60), JSON_INTEGER] | None = None
    target_groups: list[TargetGroup] | None = Field(None, max_length=6)
    description: str | None = Field(None, max_length=4000)
    volunteer_needs: list[VolunteerNeed] | None = Field(None, max_length=30)
    available: StrictBool | None = Field(None, description="false takes it off the menu (existing orders stand).")


class OfferingView(OfferingCreate):
    id: str
    available: bool = True
    order_count: int = 0
    created_by: str
    created_at: datetime
    updated_at: datetime


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offering_id: str
    venue_id: str = Field(description="The village or community centre ordering.")
    earliest: IsoDate
    latest: IsoDate
    note: str = Field("", max_length=1000)


class OrderSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: IsoAwareDatetime
    end: IsoAwareDatetime | None = Field(None, description="Default: start + the offering's duration.")
    room_id: str | None = None
    site: OutdoorSite | None = Field(None, description="Default: the ordering centre's village, at its coordinates.")
    capacity: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER] | None = None
    kept_back: StrictInt = Field(0, ge=0)
    publish: StrictBool = Field(True, description="Publish the event at once (default) or leave it a draft.")

    @model_validator(mode="after")
    def _consistent(self):
        _one_place(self.room_id, self.site, required=False)
        if self.capacity is None and self.kept_back:
            raise ValueError("kept_back needs a capacity")
        if self.capacity is not None and self.kept_back > self.capacity:
            raise ValueError("kept_back cannot be larger than capacity")
        return self


class OrderDecline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)


class OrderView(BaseModel):
    id: str
    offering_id: str
    offering_title: str
    venue_id: str
    venue_name: str | None = None
    town: str | None = None
    village: str | None = None
    requested_by: str
    earliest: date
    latest: date
    note: str = ""
    status: OrderStatus
    event_id: str | None = None
    scheduled_for: date | None = None
    decline_reason: str | None = None
    decided_by: str | None = None
    created_at: datetime
    decided_at: datetime | None = None


class OfferingDemand(BaseModel):
    offering_id: str
    title: str
    available: bool
    orders: int
    scheduled: int
    declined: int
    rarely_ordered: bool


class MenuDemand(BaseModel):
    threshold: int = Field(description="Offerings ordered fewer times than this stand out.")
    offerings: list[OfferingDemand]
    rarely_ordered: list[str] = Field(description="Offering ids, least ordered first.")


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: StrictInt = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=1000)


class FeedbackCode(BaseModel):
    """The short code (and link) shown at an event — most village shows need no registration — so that
    attendees rate it from their phones: one rating per phone number."""

    event_id: str
    code: str = Field(examples=["K7M2QX"])
    url: str = Field(description="The link to print as a QR code next to the code.")


class WalkInFeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = Field(
        pattern=ecma_pattern(r"^1[3-9]\d{9}$"),
        examples=["13800138000"],
        description="One rating per phone number and event (kept only as a salted hash).",
    )
    rating: StrictInt = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=1000)


class WalkInFeedbackView(BaseModel):
    event_id: str
    rating: int
    comment: str | None = None
    created_at: datetime


class FeedbackView(BaseModel):
    registration_id: str
    event_id: str
    rating: int
    comment: str | None = None
    created_at: datetime


class SatisfactionView(BaseModel):
    scope: Literal["event", "offering", "organiser"]
    id: str
    count: int
    average: float | None = None
    distribution: dict[str, int]
    satisfied_share: float | None = Field(None, description="Share rating 4 or 5 (0..1).")


class NoticeEntry(BaseModel):
    event_id: str
    item: str
    time: str
    place: str
    organiser: str
    starts_at: datetime
    ends_at: datetime | None = None
    kind: str | None = None
    target_groups: list[str] = []
    free: bool = True
    venue_id: str | None = None
    town: str | None = None
    village: str | None = None


class StandingFreeActivities(BaseModel):
    centre_id: str
    centre_name: str
    count: int
    required: int
    meets_standard: bool
    items: list[str]


class NoticeBoard(BaseModel):
    generated_at: datetime
    venue_id: str | None = None
    town: str | None = None
    village: str | None = None
    entries: list[NoticeEntry]
    standing_free_activities: list[StandingFreeActivities]


class FestivalDay(BaseModel):
    festival: FestivalName
    day: date
    season_first_day: date
    season_last_day: date
